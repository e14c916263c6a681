using System.Security.Cryptography;
using System.Text;
using M3uProxy.Edge.Configuration;

namespace M3uProxy.Edge.Http;

/// <summary>
/// Checks the API token as the reference reads it (seed-spec §1.2): the <c>X-API-Token</c>
/// header, else the <c>api_token</c> query parameter; compared in constant time.
/// </summary>
internal sealed class ApiTokenValidator
{
    private readonly byte[] _token;

    public ApiTokenValidator(ProxySettings settings) => _token = Encoding.UTF8.GetBytes(settings.ApiToken);

    public bool Enabled => _token.Length > 0;

    /// <summary>True when a token is configured and the request presents it.</summary>
    public bool IsValid(HttpRequest request, out bool missing)
    {
        var presented = request.Headers["X-API-Token"].ToString();
        if (presented.Length == 0)
        {
            presented = request.Query["api_token"].ToString();
        }

        missing = presented.Length == 0;
        return Enabled && !missing && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), _token);
    }
}
