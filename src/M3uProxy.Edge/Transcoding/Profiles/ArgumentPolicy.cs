using System.Text.RegularExpressions;

namespace M3uProxy.Edge.Transcoding.Profiles;

/// <summary>
/// Reads a rendered ffmpeg argument list the way ffmpeg does (options take one value unless they
/// are flags; anything else is an output) and refuses what could read or write anything but the
/// proxy's own pipes: a second input, an output other than <c>{output_args}</c>, file-reading
/// protocols and filters, <c>-y</c>, segment paths, option files. Input options come from an
/// allow-list, because with <c>-i pipe:0</c> an input format such as <c>concat</c> would read files.
/// </summary>
internal static partial class ArgumentPolicy
{
    public const int MaxArguments = 200;
    public const int MaxArgumentLength = 1024;

    private static readonly HashSet<string> _flags = new(StringComparer.Ordinal)
    {
        "vn", "an", "sn", "dn", "n", "nostdin", "stdin", "hide_banner", "nostats", "stats", "re", "shortest", "copyts",
        "start_at_zero", "xerror", "ignore_unknown", "accurate_seek", "noaccurate_seek", "autorotate", "noautorotate",
        "autoscale", "noautoscale", "bitexact", "copyinkf", "fix_sub_duration", "qsv_device_none",
    };

    private static readonly HashSet<string> _inputOptions = new(StringComparer.Ordinal)
    {
        "hwaccel", "hwaccel_output_format", "hwaccel_device", "hwaccel_flags", "vaapi_device", "qsv_device", "init_hw_device",
        "filter_hw_device", "extra_hw_frames", "re", "fflags", "probesize", "analyzeduration", "thread_queue_size", "threads",
        "c:v", "c:a", "codec:v", "codec:a", "vcodec", "acodec", "err_detect", "noautorotate", "autorotate", "itsoffset",
        "hide_banner", "nostats", "stats", "copyts", "start_at_zero", "fpsprobesize", "skip_frame", "drop_sd", "ec",
    };

    // Options that read or write files, change where segments go, or widen what may be opened.
    private static readonly Dictionary<string, string> _refused = new(StringComparer.Ordinal)
    {
        ["i"] = "adds an input",
        ["y"] = "overwrites files (-y)",
        ["dump_attachment"] = "writes files",
        ["attach"] = "reads files",
        ["report"] = "writes a report file",
        ["protocol_whitelist"] = "widens the protocols ffmpeg may open",
        ["protocol_blacklist"] = "changes the protocols ffmpeg may open",
        ["filter_script"] = "reads a filter script file",
        ["filter_complex_script"] = "reads a filter script file",
        ["hls_segment_filename"] = "sets its own segment paths",
        ["hls_fmp4_init_filename"] = "sets its own segment paths",
        ["hls_key_info_file"] = "reads a key info file",
        ["hls_base_url"] = "sets its own segment paths",
        ["hls_subtitle_path"] = "sets its own segment paths",
        ["master_pl_name"] = "writes its own playlist",
        ["var_stream_map"] = "writes its own playlists",
        ["segment_list"] = "writes its own segment list",
        ["strftime_mkdir"] = "creates folders",
        ["vstats"] = "writes a statistics file",
        ["vstats_file"] = "writes a statistics file",
        ["passlogfile"] = "writes a log file",
        ["pass"] = "writes a log file",
        ["progress"] = "writes progress to a file or URL",
        ["sdp_file"] = "writes a file",
        ["pre"] = "reads a preset file",
        ["fpre"] = "reads a preset file",
        ["vpre"] = "reads a preset file",
        ["apre"] = "reads a preset file",
        ["spre"] = "reads a preset file",
        ["stats_enc_pre"] = "writes a statistics file",
        ["stats_enc_post"] = "writes a statistics file",
        ["stats_mux_pre"] = "writes a statistics file",
        ["filter_threads"] = "is not allowed",
        ["loglevel"] = "is set by the proxy",
        ["v"] = "is set by the proxy",
        ["x264opts"] = "can read files (use individual options)",
        ["x264-params"] = "can read files (use individual options)",
        ["x265-params"] = "can read files (use individual options)",
        ["map_metadata"] = "can read another input",
        ["map_chapters"] = "can read another input",
    };

    private static readonly HashSet<string> _filterOptions = new(StringComparer.Ordinal)
    {
        "vf", "af", "filter", "filter:v", "filter:a", "filter_complex", "lavfi", "filter:v:0", "filter:a:0",
    };

    private static readonly HashSet<string> _devicePathOptions = new(StringComparer.Ordinal)
    {
        "vaapi_device", "qsv_device", "init_hw_device", "hwaccel_device",
    };

    private static readonly HashSet<string> _allowedFilters = new(StringComparer.Ordinal)
    {
        "scale", "scale_cuda", "scale_npp", "scale_vaapi", "scale_qsv", "vpp_qsv", "hwupload", "hwupload_cuda", "hwdownload", "hwmap",
        "format", "fps", "framerate", "setsar", "setdar", "setpts", "asetpts", "setparams", "setfield", "pad", "crop", "yadif",
        "yadif_cuda", "bwdif", "bwdif_cuda", "deinterlace_vaapi", "deinterlace_qsv", "w3fdif", "idet", "fieldmatch", "decimate",
        "transpose", "transpose_vaapi", "hflip", "vflip", "unsharp", "hqdn3d", "eq", "colorspace", "zscale", "tonemap",
        "tonemap_cuda", "tonemap_vaapi", "null", "anull", "copy", "split", "asplit", "aresample", "aformat", "volume",
        "loudnorm", "dynaudnorm", "pan", "atempo", "highpass", "lowpass", "acompressor", "channelmap", "afade", "fade", "apad",
        "tpad", "drawbox", "boxblur", "gblur", "deband", "select", "aselect", "trim", "atrim", "framestep", "interlace",
        "tinterlace", "separatefields", "weave", "realtime", "arealtime", "amix", "overlay", "color", "anullsrc", "asetnsamples",
        "aformat", "ametadata", "setrange", "colormatrix", "hwdownload", "fps_mode",
    };

    // Protocols ffmpeg can open by name; only the proxy's own pipes appear in a command.
    private static readonly string[] _protocols =
    [
        "file", "concat", "concatf", "subfile", "pipe", "fd", "data", "http", "https", "httpproxy", "tcp", "udp", "udplite",
        "unix", "cache", "async", "crypto", "tee", "ftp", "sftp", "smb", "gopher", "gophers", "rtmp", "rtmps", "rtmpe", "rtmpt",
        "rtmpte", "rtmpts", "rtp", "rtsp", "srtp", "srt", "rist", "sctp", "tls", "icecast", "mmsh", "mmst", "md5", "prompeg",
        "hls", "ipfs", "ipns", "zmq", "bluray", "dvd", "libssh", "samba", "ffrtmpcrypt", "ffrtmphttp",
    ];

    /// <summary>
    /// Checks <paramref name="arguments"/> rendered with <paramref name="inputUrl"/> as <c>{input_url}</c>
    /// and <c>pipe:1</c> as <c>{output_args}</c>; throws <see cref="TemplateException"/> with the reason.
    /// </summary>
    public static FfmpegArguments Check(IReadOnlyList<string> arguments, string inputUrl)
    {
        if (arguments.Count > MaxArguments)
        {
            throw new TemplateException($"Template has more than {MaxArguments} arguments");
        }

        var input = new List<string>();
        var output = new List<string>();
        var sawInput = false;
        var sawOutput = false;
        for (var i = 0; i < arguments.Count; i++)
        {
            var token = arguments[i];
            if (token.Length > MaxArgumentLength)
            {
                throw new TemplateException($"Template argument longer than {MaxArgumentLength} characters");
            }

            if (token == "-i")
            {
                if (sawInput || i + 1 >= arguments.Count || arguments[i + 1] != inputUrl)
                {
                    throw new TemplateException("Template adds an input: only one '-i {input_url}' is allowed (ffmpeg reads the proxy's own stream)");
                }

                sawInput = true;
                i++;
                continue;
            }

            if (IsOption(token))
            {
                var name = token[1..];
                if (name.StartsWith('/'))
                {
                    throw new TemplateException($"Option '{token}' reads its value from a file");
                }

                if (_refused.TryGetValue(name, out var why))
                {
                    throw new TemplateException($"Option '{token}' is not allowed: it {why}");
                }

                if (sawOutput)
                {
                    throw new TemplateException($"Option '{token}' after the output: the output ({{output_args}}) must come last");
                }

                var target = sawInput ? output : input;
                if (!sawInput && !_inputOptions.Contains(name))
                {
                    throw new TemplateException($"Input option '{token}' is not allowed before -i (ffmpeg reads the proxy's own stream)");
                }

                target.Add(token);
                if (_flags.Contains(name))
                {
                    continue;
                }

                if (i + 1 >= arguments.Count)
                {
                    throw new TemplateException($"Option '{token}' has no value");
                }

                var value = arguments[++i];
                CheckValue(name, value);
                target.Add(value);
                continue;
            }

            // Not an option and not an option's value: ffmpeg takes it for an output.
            if (!sawInput)
            {
                throw new TemplateException($"Argument '{token}' before -i: templates start with options and '-i {{input_url}}'");
            }

            if (sawOutput || token is not ("pipe:1" or "-"))
            {
                throw new TemplateException($"Template adds an output '{token}': ffmpeg may write only to {{output_args}} (the proxy's pipe or HLS folder)");
            }

            sawOutput = true;
        }

        if (!sawInput)
        {
            throw new TemplateException("Template has no '-i {input_url}'");
        }

        if (!sawOutput)
        {
            throw new TemplateException("Template has no output: end it with {output_args}");
        }

        return new FfmpegArguments(input, output);
    }

    private static bool IsOption(string token) => token.Length > 1 && token[0] == '-' && !char.IsAsciiDigit(token[1]) && token[1] != '.';

    private static void CheckValue(string option, string value)
    {
        if (_devicePathOptions.Contains(option) && DeviceValue().IsMatch(value))
        {
            return;
        }

        if (value.Contains("..", StringComparison.Ordinal) || PathLike().IsMatch(value))
        {
            throw new TemplateException($"Value '{value}' of -{option} names a file path");
        }

        if (ProtocolLike().Match(value) is { Success: true } match && _protocols.Contains(match.Groups[1].Value.ToLowerInvariant()))
        {
            throw new TemplateException($"Value '{value}' of -{option} opens the '{match.Groups[1].Value}:' protocol");
        }

        if (_filterOptions.Contains(option))
        {
            foreach (var filter in FilterNames(value))
            {
                if (!_allowedFilters.Contains(filter))
                {
                    throw new TemplateException($"Filter '{filter}' is not allowed (filters such as movie, amovie, subtitles, drawtext or sendcmd read files; allowed: scale, fps, format, yadif, pad, crop, volume, aresample, … and the GPU scalers)");
                }
            }
        }
    }

    // "[in]scale=1280:720,fps=25[out];[a]volume=2" → scale, fps, volume
    private static IEnumerable<string> FilterNames(string graph)
    {
        var withoutLabels = Label().Replace(graph, "");
        foreach (var part in withoutLabels.Split([',', ';'], StringSplitOptions.TrimEntries))
        {
            if (part.Length == 0)
            {
                continue;
            }

            var name = FilterName().Match(part).Value;
            yield return name.Length == 0 ? part : name;
        }
    }

    [GeneratedRegex(@"^/dev/dri/renderD\d{1,4}$|^[a-z]+=[a-z]+:/dev/dri/renderD\d{1,4}$|^\d{1,2}$|^[a-z]+(=[a-z]+)?(:\d{1,2})?$|^[a-z]+=[a-z]+@[a-z]+$")]
    private static partial Regex DeviceValue();

    // A path: '/', './', '../' or '~' at the start of the value or after a separator.
    [GeneratedRegex(@"(^|[=:,;'""|\[\]\s(])(\.{0,2}/|~)")]
    private static partial Regex PathLike();

    [GeneratedRegex(@"(?:^|[=,;'""|\[\]\s(])([A-Za-z][A-Za-z0-9+.\-]*):")]
    private static partial Regex ProtocolLike();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Label();

    [GeneratedRegex(@"^[A-Za-z0-9_]+")]
    private static partial Regex FilterName();
}

/// <summary>A checked command without its input and output: options before <c>-i</c>, and options for the output.</summary>
internal sealed record FfmpegArguments(IReadOnlyList<string> InputOptions, IReadOnlyList<string> OutputOptions)
{
    /// <summary>One rule for the endpoint and the process (the reference has two, §8.3 [BUG]): <c>-f hls</c> or an HLS muxer option.</summary>
    public bool IsHls
    {
        get
        {
            for (var i = 0; i < OutputOptions.Count; i++)
            {
                var option = OutputOptions[i];
                if ((option == "-f" && i + 1 < OutputOptions.Count && OutputOptions[i + 1] == "hls") || option is "-hls_time" or "-hls_list_size" or "-hls_flags" or "-hls_segment_type")
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>The value of the last output <c>-f</c>, or null.</summary>
    public string? Format => ValueOf("-f");

    public string? ValueOf(string option)
    {
        string? value = null;
        for (var i = 0; i < OutputOptions.Count - 1; i++)
        {
            if (OutputOptions[i] == option)
            {
                value = OutputOptions[i + 1];
            }
        }

        return value;
    }
}
