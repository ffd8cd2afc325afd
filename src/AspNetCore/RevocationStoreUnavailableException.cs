namespace OrleansTokens.AspNetCore;

/// <summary>
/// The authentication failure recorded when the revocation store could not be queried about a token.
/// The challenge turns it into a 503 response instead of a 401, since the token may well be valid.
/// </summary>
public sealed class RevocationStoreUnavailableException(string message, Exception? innerException = null)
    : Exception(message, innerException);
