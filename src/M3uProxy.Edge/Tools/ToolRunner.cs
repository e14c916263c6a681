using System.Text;

namespace M3uProxy.Edge.Tools;

/// <summary>
/// Runs a short-lived program to completion (a version query, a probe, a test encode): optional
/// bytes on stdin, stdout and stderr captured up to a cap, a hard timeout after which the whole
/// tree is killed. Never throws for the program's failures: the result says what happened.
/// </summary>
internal static class ToolRunner
{
    private const int MaxCapturedChars = 1024 * 1024;

    public static async Task<ToolRunResult> RunAsync(ToolCommand command, ReadOnlyMemory<byte> stdin, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var stderr = new StringBuilder();
        ToolProcess process;
        try
        {
            process = ToolProcess.Start(command with
            {
                RedirectStdin = true,
                RedirectStdout = true,
                OnStderrLine = line => Append(stderr, line),
            });
        }
        catch (ToolNotFoundException)
        {
            return new ToolRunResult(null, string.Empty, string.Empty, TimedOut: false, NotFound: true);
        }

        await using (process)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            var stdout = ReadCappedAsync(process.Stdout, deadline.Token);
            try
            {
                await WriteStdinAsync(process, stdin, deadline.Token);
                var exitCode = await process.Exited.WaitAsync(deadline.Token);
                var output = await stdout;
                lock (stderr)
                {
                    return new ToolRunResult(exitCode, output, stderr.ToString(), TimedOut: false, NotFound: false);
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                process.KillTree();
                lock (stderr)
                {
                    return new ToolRunResult(null, string.Empty, stderr.ToString(), TimedOut: true, NotFound: false);
                }
            }
        }
    }

    private static async Task WriteStdinAsync(ToolProcess process, ReadOnlyMemory<byte> stdin, CancellationToken cancellationToken)
    {
        try
        {
            if (!stdin.IsEmpty)
            {
                await process.Stdin.WriteAsync(stdin, cancellationToken);
            }
        }
        catch (IOException)
        {
            // The program stopped reading (it had seen enough): its verdict is in its output.
        }
        finally
        {
            process.CloseStdin();
        }
    }

    private static async Task<string> ReadCappedAsync(Stream stdout, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(stdout, Encoding.UTF8);
        var text = new StringBuilder();
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (text.Length < MaxCapturedChars)
            {
                text.Append(buffer, 0, Math.Min(read, MaxCapturedChars - text.Length));
            }
        }

        return text.ToString();
    }

    private static void Append(StringBuilder stderr, string line)
    {
        lock (stderr)
        {
            if (stderr.Length < MaxCapturedChars)
            {
                stderr.AppendLine(line);
            }
        }
    }
}
