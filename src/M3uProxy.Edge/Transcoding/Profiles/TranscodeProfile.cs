namespace M3uProxy.Edge.Transcoding.Profiles;

/// <summary>A named ffmpeg template: a built-in one, or <c>custom</c> for a template a request brought.</summary>
internal sealed record TranscodeProfile(string Name, string Description, ProfileTemplate Template)
{
    public const string CustomName = "custom";

    public bool IsCustom => Name == CustomName;
}
