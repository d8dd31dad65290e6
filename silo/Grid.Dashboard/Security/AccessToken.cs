using System.Security.Cryptography;
using System.Text;

namespace Grid.Dashboard.Security;

/// <summary>The dashboard's access token, kept only as hashes so that checking a candidate takes the same time whatever it is and however long.</summary>
internal sealed class AccessToken
{
    private const string CookiePurpose = "grid-dashboard-cookie:";

    private readonly byte[] _tokenHash;
    private readonly byte[] _cookieHash;

    public AccessToken(string token)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        _tokenHash = Hash(token);
        // The cookie carries a value derived from the token, so that a leaked cookie does not reveal the token itself.
        CookieValue = Convert.ToHexStringLower(Hash(CookiePurpose + token));
        _cookieHash = Hash(CookieValue);
    }

    /// <summary>Gets the value of the cookie set for a browser that presented the token.</summary>
    public string CookieValue { get; }

    /// <summary>Gets whether <paramref name="candidate"/> is the token, in time independent of how much of it matches.</summary>
    public bool Matches(ReadOnlySpan<char> candidate) => Equal(_tokenHash, candidate);

    /// <summary>Gets whether <paramref name="candidate"/> is the cookie value, in time independent of how much of it matches.</summary>
    public bool MatchesCookie(ReadOnlySpan<char> candidate) => Equal(_cookieHash, candidate);

    private static bool Equal(byte[] expectedHash, ReadOnlySpan<char> candidate)
    {
        // Hashing first makes both sides 32 bytes, so FixedTimeEquals does not return early on a length difference.
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        var bytes = Encoding.UTF8.GetBytes(candidate.ToArray());
        SHA256.HashData(bytes, hash);
        return CryptographicOperations.FixedTimeEquals(expectedHash, hash);
    }

    private static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));
}
