namespace M3uProxy.Edge.Upstream;

/// <summary>How a body copy ended (YARP's <c>StreamCopyResult</c>).</summary>
internal enum CopyResult
{
    /// <summary>The input ended and every byte was written.</summary>
    Success,

    /// <summary>Reading the input (the upstream) failed.</summary>
    InputError,

    /// <summary>Writing the output (the client) failed: the client went away.</summary>
    OutputError,

    /// <summary>The request's token was cancelled (the client left, or a newer request superseded it).</summary>
    Canceled,
}

/// <summary>The outcome of <see cref="BodyCopier.CopyAsync"/>: how it ended, the bytes written, and the exception if one ended it.</summary>
internal readonly record struct BodyCopy(CopyResult Result, long Bytes, Exception? Error);
