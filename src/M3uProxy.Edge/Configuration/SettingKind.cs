namespace M3uProxy.Edge.Configuration;

/// <summary>How a variable's text is read. Every kind accepts what the reference's pydantic settings accept.</summary>
internal enum SettingKind
{
    /// <summary>Free text.</summary>
    Text,

    /// <summary>Free text that is never echoed (tokens, passwords).</summary>
    Secret,

    /// <summary><c>true/false/1/0/yes/no/on/off</c> in any case.</summary>
    Bool,

    /// <summary>A whole number within the setting's range.</summary>
    Integer,

    /// <summary>A decimal number within the setting's range.</summary>
    Number,

    /// <summary>A Python or .NET log level name.</summary>
    LogLevel,

    /// <summary>One of the setting's listed words.</summary>
    Choice,
}
