using System.Net.Sockets;
using M3uProxy.Edge.Configuration;
using Microsoft.AspNetCore.Connections;

namespace M3uProxy.Edge.Hosting;

/// <summary>
/// Turns an exception that stopped the server from starting into one line a self-hoster can act
/// on (the port, the address, the cause), instead of a .NET stack trace and an abort.
/// </summary>
internal static class StartupFailure
{
    public const int ExitCode = 1;

    public static string Describe(Exception error, ProxySettings settings)
    {
        var address = ListenAddress(settings);
        if (Find<AddressInUseException>(error) is not null || Find<SocketException>(error)?.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return $"port {settings.Port} is already in use on {address} (is another m3u-proxy still running? stop it, or choose another PORT)";
        }

        switch (Find<SocketException>(error)?.SocketErrorCode)
        {
            case SocketError.AccessDenied:
                return $"not allowed to listen on {address} (ports below 1024 need root or CAP_NET_BIND_SERVICE; choose a PORT of 1024 or more)";
            case SocketError.AddressNotAvailable:
                return $"cannot listen on {address}: this machine has no such address (check HOST)";
        }

        var cause = error.GetBaseException();
        return $"cannot start on {address}: {cause.Message.TrimEnd('.')} ({cause.GetType().Name})";
    }

    public static string ListenAddress(ProxySettings settings)
    {
        var host = settings.Host.Trim();
        return host.Contains(':', StringComparison.Ordinal) ? $"[{host}]:{settings.Port}" : $"{host}:{settings.Port}";
    }

    private static T? Find<T>(Exception error)
        where T : Exception
    {
        for (Exception? current = error; current is not null; current = current.InnerException)
        {
            if (current is T match)
            {
                return match;
            }

            if (current is AggregateException aggregate && aggregate.InnerExceptions.Select(Find<T>).FirstOrDefault(e => e is not null) is { } inner)
            {
                return inner;
            }
        }

        return null;
    }
}
