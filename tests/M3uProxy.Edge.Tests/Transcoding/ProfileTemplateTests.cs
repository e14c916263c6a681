using M3uProxy.Edge.Transcoding.Profiles;

namespace M3uProxy.Edge.Tests.Transcoding;

/// <summary>Templates are data: split before values go in, quotes group without leaking, placeholders per argument.</summary>
public sealed class ProfileTemplateTests
{
    private static List<string> Render(string template, params (string Name, string Value)[] variables)
        => ProfileTemplate.Parse(template).Render(variables.ToDictionary(v => v.Name, v => v.Value));

    [Fact]
    public void Quotes_GroupWords_AndAreNotKept()
        => Assert.Equal(["-i", "{x}", "-vf", "scale=1:2,fps=25", "-metadata", "title=a b"], Render("-i '{x}' -vf \"scale=1:2,fps=25\" -metadata \"title=a b\"", ("x", "{x}")));

    [Fact]
    public void Value_WithSpaces_StaysOneArgument()
        => Assert.Equal(["-b:v", "2M -i /etc/passwd"], Render("-b:v {video_bitrate}", ("video_bitrate", "2M -i /etc/passwd")));

    [Fact]
    public void Defaults_ApplyAndEmptyPlaceholderArgumentsDisappear()
        => Assert.Equal(["-b:v", "2M", "-f", "mp4"], Render("-b:v {video_bitrate|2M} -f {format|mp4} {output_args|}"));

    [Fact]
    public void Placeholder_InsideAnArgument_FillsOnlyItsPart()
        => Assert.Equal(["-vf", "scale=1280:720"], Render("-vf scale={w}:{h}", ("w", "1280"), ("h", "720")));

    [Fact]
    public void MissingVariable_WithoutDefault_IsAnError()
        => Assert.Contains("'crf' has no value", Assert.Throws<TemplateException>(() => Render("-crf {crf}")).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("-vf \"scale=1:2")]
    [InlineData("-b:v {video_bitrate")]
    [InlineData("-b:v {bad name}")]
    public void Malformed_IsRefused(string template) => Assert.Throws<TemplateException>(() => ProfileTemplate.Parse(template));

    [Theory]
    [InlineData("video_bitrate", "2500k", true)]
    [InlineData("video_bitrate", "2M", true)]
    [InlineData("video_bitrate", "2M;rm", false)]
    [InlineData("crf", "51", true)]
    [InlineData("crf", "52", false)]
    [InlineData("preset", "veryfast", true)]
    [InlineData("preset", "-y", false)]
    [InlineData("video_codec", "libx264", true)]
    [InlineData("video_codec", "libx264 -y", false)]
    [InlineData("resolution", "1280x720", true)]
    [InlineData("format", "hls", true)]
    [InlineData("format", "image2", false)]
    [InlineData("input_url", "file:///etc/passwd", false)]
    [InlineData("output_args", "/tmp/x.ts", false)]
    [InlineData("anything", "-i", false)]
    [InlineData("anything", "fine_value-1", true)]
    public void Variables_AreCheckedByPattern(string name, string value, bool accepted)
        => Assert.Equal(accepted, TemplateVariables.Check(name, value) is null);
}
