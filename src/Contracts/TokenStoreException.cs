namespace OrleansTokens;

/// <summary>
/// Raised by the user-tokens grain when its storage fails, so that callers receive an Orleans exception that
/// always crosses the wire. Storage driver exceptions (Npgsql's, for one) may have no Orleans codec, and then
/// the caller would receive a serialization error instead of the failure.
/// </summary>
[GenerateSerializer, Alias("OrleansTokens.TokenStoreException")]
public sealed class TokenStoreException : OrleansException
{
    public TokenStoreException(string message)
        : base(message)
    {
    }
}
