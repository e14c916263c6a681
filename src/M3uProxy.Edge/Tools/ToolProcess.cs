using System.ComponentModel;
using System.Diagnostics;

namespace M3uProxy.Edge.Tools;

/// <summary>
/// One running external program: the only way this server starts a process. Arguments go as an
/// argv list, stderr is always drained (a tail is kept), and the process is always reaped: a
/// stop closes stdin, then sends SIGTERM, then kills the whole tree; disposing kills at once.
/// </summary>
internal sealed class ToolProcess : IAsyncDisposable
{
    private static readonly TimeSpan _reapTimeout = TimeSpan.FromSeconds(5);
    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private readonly int _tailLines;
    private readonly Action<string>? _onLine;
    private readonly Task<int> _exited;
    private int _disposed;

    private ToolProcess(Process process, ToolCommand command)
    {
        _process = process;
        _tailLines = Math.Max(0, command.StderrTailLines);
        _onLine = command.OnStderrLine;
        Id = process.Id;
        Name = command.Name;
        Stdin = command.RedirectStdin ? process.StandardInput.BaseStream : Stream.Null;
        Stdout = command.RedirectStdout ? process.StandardOutput.BaseStream : Stream.Null;
        if (!command.RedirectStdin)
        {
            process.StandardInput.Close();
        }

        var drainOut = command.RedirectStdout ? Task.CompletedTask : process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        _exited = WaitAsync(ReadStderrAsync(), drainOut);
    }

    public int Id { get; }

    public string Name { get; }

    /// <summary>The program's stdin (<see cref="Stream.Null"/> unless redirected).</summary>
    public Stream Stdin { get; }

    /// <summary>The program's stdout (<see cref="Stream.Null"/> unless redirected).</summary>
    public Stream Stdout { get; }

    /// <summary>Completes with the exit code once the process has exited and its stderr is read to the end.</summary>
    public Task<int> Exited => _exited;

    public bool HasExited => _exited.IsCompleted;

    /// <summary>Starts the program. Throws <see cref="ToolNotFoundException"/> when it cannot be started.</summary>
    public static ToolProcess Start(ToolCommand command)
    {
        var start = new ProcessStartInfo(command.FileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = command.WorkingDirectory ?? string.Empty,
        };
        foreach (var argument in command.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        if (command.Environment is { } environment)
        {
            foreach (var (name, value) in environment)
            {
                if (value is null)
                {
                    start.Environment.Remove(name);
                }
                else
                {
                    start.Environment[name] = value;
                }
            }
        }

        try
        {
            var process = Process.Start(start) ?? throw new ToolNotFoundException(command.FileName, new InvalidOperationException("no process"));
            return new ToolProcess(process, command);
        }
        catch (Win32Exception exception)
        {
            throw new ToolNotFoundException(command.FileName, exception);
        }
    }

    /// <summary>The last stderr lines, oldest first.</summary>
    public IReadOnlyList<string> StderrTail()
    {
        lock (_tail)
        {
            return [.. _tail];
        }
    }

    /// <summary>
    /// Asks the program to finish: closes stdin (ffmpeg then flushes and exits), waits up to
    /// <paramref name="grace"/>, sends SIGTERM, waits again, then kills the whole tree. Returns the exit code.
    /// </summary>
    public async Task<int> StopAsync(TimeSpan grace)
    {
        if (!HasExited)
        {
            CloseStdin();
            if (!await ExitsWithinAsync(grace))
            {
                PosixSignal.Terminate(Id);
                if (!await ExitsWithinAsync(grace))
                {
                    KillTree();
                }
            }
        }

        return await _exited.WaitAsync(_reapTimeout);
    }

    /// <summary>Kills the whole process tree now (a stalled or unwanted program).</summary>
    public void KillTree()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (Exception exception) when (exception is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // Already gone.
        }
    }

    public void CloseStdin()
    {
        try
        {
            _process.StandardInput.Close();
        }
        catch (Exception exception) when (exception is IOException or InvalidOperationException or ObjectDisposedException)
        {
            // The program closed its end first.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (!HasExited)
        {
            KillTree();
        }

        try
        {
            await _exited.WaitAsync(_reapTimeout);
        }
        catch (TimeoutException)
        {
            // A process that survives SIGKILL for 5 s is stuck in the kernel; nothing more to do.
        }

        _process.Dispose();
    }

    private async Task<int> WaitAsync(Task stderr, Task stdout)
    {
        await _process.WaitForExitAsync();
        await Task.WhenAll(stderr, stdout).ConfigureAwait(false);
        return _process.ExitCode;
    }

    private async Task ReadStderrAsync()
    {
        try
        {
            while (await _process.StandardError.ReadLineAsync() is { } line)
            {
                if (_tailLines > 0)
                {
                    lock (_tail)
                    {
                        if (_tail.Count == _tailLines)
                        {
                            _tail.Dequeue();
                        }

                        _tail.Enqueue(line);
                    }
                }

                _onLine?.Invoke(line);
            }
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException)
        {
            // The pipe closed with the process.
        }
    }

    private async Task<bool> ExitsWithinAsync(TimeSpan wait)
    {
        try
        {
            await _exited.WaitAsync(wait);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
