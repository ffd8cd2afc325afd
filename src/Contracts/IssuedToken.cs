namespace OrleansTokens;

/// <summary>
/// A token id (<c>jti</c>) with the issue and expiry times of the token that carries it.
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansTokens.IssuedToken")]
public sealed record IssuedToken(
    [property: Id(0)] string Jti,
    [property: Id(1)] DateTimeOffset IssuedAt,
    [property: Id(2)] DateTimeOffset ExpiresAt);
