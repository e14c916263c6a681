using System.Text.Json;
using M3uProxy.Edge.Streams;

namespace M3uProxy.Edge.Tests.Streams;

/// <summary>Expected strings are what CPython 3.11 prints for <c>str(json.loads(x))</c>.</summary>
public sealed class PythonStrTests
{
    [Theory]
    [InlineData("42", "42")]
    [InlineData("-7", "-7")]
    [InlineData("123456789012345678901234567890", "123456789012345678901234567890")]
    [InlineData("4.0", "4.0")]
    [InlineData("4.5", "4.5")]
    [InlineData("100.0", "100.0")]
    [InlineData("1e16", "1e+16")]
    [InlineData("1E15", "1000000000000000.0")]
    [InlineData("1e-5", "1e-05")]
    [InlineData("0.0001", "0.0001")]
    [InlineData("1.5e300", "1.5e+300")]
    [InlineData("-2.5", "-2.5")]
    [InlineData("0.1", "0.1")]
    [InlineData("123456.789", "123456.789")]
    [InlineData("0.3333333333333333", "0.3333333333333333")]
    [InlineData("9007199254740992.0", "9007199254740992.0")]
    [InlineData("5e-324", "5e-324")]
    [InlineData("0.0", "0.0")]
    [InlineData("true", "True")]
    [InlineData("false", "False")]
    [InlineData("\"text\"", "text")]
    public void MatchesPythonStr(string json, string expected)
    {
        using var document = JsonDocument.Parse(json);
        Assert.Equal(expected, PythonStr.Of(document.RootElement));
    }

    [Theory]
    [InlineData("null")]
    [InlineData("[1]")]
    [InlineData("{\"a\":1}")]
    public void NonScalars_AreRejected(string json)
    {
        using var document = JsonDocument.Parse(json);
        Assert.Null(PythonStr.Of(document.RootElement));
    }
}
