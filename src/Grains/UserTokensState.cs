namespace OrleansTokens.Grains;

/// <summary>
/// Persisted state of one user: the active token ids and their lifetimes.
/// </summary>
/// <remarks>
/// The storage serializer writes this type as plain JSON without type names, so renaming the class
/// does not break stored rows. Renaming a property does, so treat property names as a storage format.
/// </remarks>
[GenerateSerializer, Alias("OrleansTokens.Grains.UserTokensState")]
public sealed class UserTokensState
{
    /// <summary>Active tokens keyed by token id (<c>jti</c>).</summary>
    [Id(0)]
    public Dictionary<string, TokenLifetime> Tokens { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>Issue and expiry times of one registered token.</summary>
[GenerateSerializer, Immutable, Alias("OrleansTokens.Grains.TokenLifetime")]
public sealed record TokenLifetime(
    [property: Id(0)] DateTimeOffset IssuedAt,
    [property: Id(1)] DateTimeOffset ExpiresAt);
