namespace M3uProxy.Edge.Tools;

/// <summary>
/// Chooses the encoder family once, in-process (the reference runs a shell script before start):
/// device nodes, <c>ffmpeg -encoders</c> / <c>-hwaccels</c>, then one tiny test encode per
/// candidate in the order NVENC → QSV → VAAPI (VAAPI retried in low-power mode); the first that
/// encodes wins, else the CPU. Unlike the reference, VAAPI must pass its test and QSV can win.
/// The <c>HW_ACCEL_*</c> variables override the probe as they do in the reference.
/// </summary>
internal sealed class HardwareProbe
{
    public const string DefaultRenderNode = "/dev/dri/renderD128";

    /// <summary>The candidates in the order they are tried.</summary>
    public static IReadOnlyList<string> CandidateNames { get; } = ["nvenc", "qsv", "vaapi"];

    private static readonly TimeSpan _testTimeout = TimeSpan.FromSeconds(5);
    private readonly FfmpegRun _ffmpeg;
    private readonly Func<IReadOnlyList<string>> _deviceNodes;

    /// <param name="ffmpeg">Runs ffmpeg with these arguments (after <c>-hide_banner</c>) within a timeout.</param>
    /// <param name="deviceNodes">The GPU device nodes present (<c>/dev/dri/renderD*</c>, <c>/dev/nvidia*</c>).</param>
    public HardwareProbe(FfmpegRun ffmpeg, Func<IReadOnlyList<string>> deviceNodes)
    {
        _ffmpeg = ffmpeg;
        _deviceNodes = deviceNodes;
    }

    /// <summary>Runs ffmpeg with <paramref name="arguments"/>; a missing binary is exit code -1 with a message.</summary>
    public delegate Task<ProbeOutput> FfmpegRun(IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>The device nodes on this machine.</summary>
    public static IReadOnlyList<string> ListDeviceNodes()
    {
        var nodes = new List<string>();
        try
        {
            if (Directory.Exists("/dev/dri"))
            {
                nodes.AddRange(Directory.GetFiles("/dev/dri", "renderD*"));
            }

            nodes.AddRange(Directory.GetFiles("/dev", "nvidia*"));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // No readable /dev: nothing to accelerate with.
        }

        nodes.Sort(StringComparer.Ordinal);
        return nodes;
    }

    /// <summary>
    /// The <c>HW_ACCEL_AVAILABLE/TYPE/DEVICE</c> contract: <c>false</c> → CPU; <c>true</c> → the named
    /// type (<c>nvidia</c> or device <c>cuda</c> → NVENC, <c>qsv</c> → QSV, <c>intel</c>/<c>amd</c>/<c>vaapi</c>
    /// or device <c>vaapi</c> → VAAPI). Null when unset: probe.
    /// </summary>
    public static HardwareAcceleration? FromEnvironment(string? available, string? type, string? device)
    {
        if (string.IsNullOrWhiteSpace(available))
        {
            return null;
        }

        const string Source = "environment (HW_ACCEL_*)";
        if (!string.Equals(available.Trim(), "true", StringComparison.OrdinalIgnoreCase))
        {
            return HardwareAcceleration.Cpu([], Source);
        }

        var t = type?.Trim().ToLowerInvariant() ?? "";
        var d = device?.Trim().ToLowerInvariant() ?? "";
        HardwareKind kind = t switch
        {
            "nvidia" or "nvenc" or "cuda" => HardwareKind.Nvenc,
            "qsv" => HardwareKind.Qsv,
            "intel" or "amd" or "vaapi" => HardwareKind.Vaapi,
            _ when d == "cuda" => HardwareKind.Nvenc,
            _ when d == "vaapi" => HardwareKind.Vaapi,
            _ => HardwareKind.Cpu,
        };
        var chosen = kind switch { HardwareKind.Nvenc => "nvenc", HardwareKind.Qsv => "qsv", HardwareKind.Vaapi => "vaapi", _ => null };
        var candidates = CandidateNames
            .Select(n => new HardwareCandidate(n, n == chosen, n == chosen ? "chosen by HW_ACCEL_TYPE/HW_ACCEL_DEVICE" : "not tried: set by environment"))
            .ToList();
        return new HardwareAcceleration(kind, kind == HardwareKind.Vaapi ? DefaultRenderNode : null, false, candidates, Source);
    }

    public async Task<HardwareAcceleration> DetectAsync(CancellationToken cancellationToken)
    {
        const string Source = "probe";
        var nodes = _deviceNodes();
        var renderNodes = nodes.Where(n => n.StartsWith("/dev/dri/renderD", StringComparison.Ordinal)).ToList();
        var hasNvidia = nodes.Any(n => n.StartsWith("/dev/nvidia", StringComparison.Ordinal));
        if (renderNodes.Count == 0 && !hasNvidia)
        {
            return HardwareAcceleration.Cpu(
                [
                    new("nvenc", false, "no /dev/nvidia* device node"),
                    new("qsv", false, "no /dev/dri/renderD* device node"),
                    new("vaapi", false, "no /dev/dri/renderD* device node"),
                ],
                Source);
        }

        var encoders = await _ffmpeg(["-encoders"], _testTimeout, cancellationToken);
        var hwaccels = await _ffmpeg(["-hwaccels"], _testTimeout, cancellationToken);
        if (encoders.ExitCode != 0)
        {
            var reason = "ffmpeg -encoders failed: " + encoders.LastLine;
            return HardwareAcceleration.Cpu([new("nvenc", false, reason), new("qsv", false, reason), new("vaapi", false, reason)], Source);
        }

        var candidates = new List<HardwareCandidate>();
        HardwareAcceleration? chosen = null;

        // NVENC
        if (!hasNvidia)
        {
            candidates.Add(new("nvenc", false, "no /dev/nvidia* device node"));
        }
        else if (MissingCapability(encoders, hwaccels, "h264_nvenc", "cuda") is { } missing)
        {
            candidates.Add(new("nvenc", false, missing));
        }
        else
        {
            var test = await _ffmpeg(TestEncode([], "h264_nvenc", []), _testTimeout, cancellationToken);
            chosen = Choose(test, HardwareKind.Nvenc, null, false);
            candidates.Add(Verdict("nvenc", test));
        }

        // QSV
        if (chosen is not null)
        {
            candidates.Add(new("qsv", false, "not tried: nvenc was chosen"));
        }
        else if (renderNodes.Count == 0)
        {
            candidates.Add(new("qsv", false, "no /dev/dri/renderD* device node"));
        }
        else if (MissingCapability(encoders, hwaccels, "h264_qsv", "qsv") is { } missing)
        {
            candidates.Add(new("qsv", false, missing));
        }
        else
        {
            var test = await _ffmpeg(TestEncode(["-init_hw_device", "qsv=hw:" + renderNodes[0]], "h264_qsv", ["-pix_fmt", "nv12"]), _testTimeout, cancellationToken);
            chosen = Choose(test, HardwareKind.Qsv, renderNodes[0], false);
            candidates.Add(Verdict("qsv", test));
        }

        // VAAPI, on each render node, normal then low-power (encoders that only have EncSliceLP)
        if (chosen is not null)
        {
            candidates.Add(new("vaapi", false, $"not tried: {(chosen.Kind == HardwareKind.Nvenc ? "nvenc" : "qsv")} was chosen"));
        }
        else if (renderNodes.Count == 0)
        {
            candidates.Add(new("vaapi", false, "no /dev/dri/renderD* device node"));
        }
        else if (MissingCapability(encoders, hwaccels, "h264_vaapi", "vaapi") is { } missing)
        {
            candidates.Add(new("vaapi", false, missing));
        }
        else
        {
            var failures = new List<string>();
            foreach (var node in renderNodes)
            {
                foreach (var lowPower in (bool[])[false, true])
                {
                    string[] encoderOptions = lowPower ? ["-vf", "format=nv12,hwupload", "-low_power", "1"] : ["-vf", "format=nv12,hwupload"];
                    var test = await _ffmpeg(TestEncode(["-vaapi_device", node], "h264_vaapi", encoderOptions), _testTimeout, cancellationToken);
                    if (test.ExitCode == 0)
                    {
                        chosen = new HardwareAcceleration(HardwareKind.Vaapi, node, lowPower, [], Source);
                        candidates.Add(new("vaapi", true, $"test encode passed on {node}" + (lowPower ? " in low-power mode" : "")));
                        break;
                    }

                    failures.Add($"{node}{(lowPower ? " (low-power)" : "")}: {test.LastLine}");
                }

                if (chosen is not null)
                {
                    break;
                }
            }

            if (chosen is null)
            {
                candidates.Add(new("vaapi", false, "test encode failed: " + string.Join("; ", failures)));
            }
        }

        return chosen is null ? HardwareAcceleration.Cpu(candidates, Source) : chosen with { Candidates = candidates, Source = Source };
    }

    private static HardwareAcceleration? Choose(ProbeOutput test, HardwareKind kind, string? device, bool lowPower)
        => test.ExitCode == 0 ? new HardwareAcceleration(kind, device, lowPower, [], "probe") : null;

    private static HardwareCandidate Verdict(string name, ProbeOutput test)
        => test.ExitCode == 0 ? new(name, true, "test encode passed") : new(name, false, "test encode failed: " + test.LastLine);

    private static string? MissingCapability(ProbeOutput encoders, ProbeOutput hwaccels, string encoder, string hwaccel)
    {
        if (!ListsWord(encoders.Text, encoder))
        {
            return $"ffmpeg has no {encoder} encoder";
        }

        return ListsWord(hwaccels.Text, hwaccel) ? null : $"ffmpeg has no {hwaccel} hwaccel";
    }

    // "-encoders" lines look like " V....D h264_nvenc  NVIDIA NVENC H.264 encoder"; "-hwaccels" lists one name per line.
    private static bool ListsWord(string text, string word)
    {
        foreach (var line in text.Split('\n'))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if ((fields.Length == 1 && fields[0] == word) || (fields.Length >= 2 && fields[1] == word))
            {
                return true;
            }
        }

        return false;
    }

    private static List<string> TestEncode(IReadOnlyList<string> deviceOptions, string encoder, IReadOnlyList<string> encoderOptions)
        => ["-loglevel", "error", "-nostdin", .. deviceOptions, "-f", "lavfi", "-i", "testsrc2=s=256x144:r=25", "-frames:v", "10", .. encoderOptions, "-c:v", encoder, "-f", "null", "-"];
}

/// <summary>What one ffmpeg run of the probe printed (stdout and stderr together) and how it exited.</summary>
internal sealed record ProbeOutput(int ExitCode, string Text)
{
    /// <summary>The last non-empty line: ffmpeg's reason when it fails.</summary>
    public string LastLine => Text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? $"exit code {ExitCode}";
}
