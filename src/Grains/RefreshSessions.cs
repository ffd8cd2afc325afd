namespace OrleansTokens.Grains;

/// <summary>
/// Refresh token rotation with reuse detection, applied to a user's state.
/// </summary>
/// <remarks>
/// Every refresh token is signed by the issuer and names its session, so a validly signed refresh token of a
/// session that is not the session's current one must be an earlier one: it was redeemed before. A repeat
/// within the grace period gets the successor issued the first time; a later one means the token was copied,
/// so the whole session (the token family) is revoked, and no other session of the user.
/// </remarks>
internal static class RefreshSessions
{
    public static RefreshResult Apply(
        UserTokensState state,
        RefreshRequest request,
        DateTimeOffset now,
        TimeSpan gracePeriod,
        Func<DateTimeOffset, bool> isExpired)
    {
        if (!state.Sessions.TryGetValue(request.SessionId, out var session) || isExpired(session.ExpiresAt))
        {
            return new RefreshResult(RefreshOutcome.Rejected, null);
        }

        if (session.RefreshJti == request.PresentedJti)
        {
            var successor = request.Successor;
            state.Sessions[request.SessionId] = session with
            {
                LastRefreshedAt = now,
                ExpiresAt = successor.Refresh.Token.ExpiresAt,
                RefreshJti = successor.Refresh.Token.Jti,
                LastRotation = new RefreshRotation(request.PresentedJti, now, successor),
            };
            var access = successor.Access.Token;
            state.Tokens[access.Jti] = new TokenLifetime(access.IssuedAt, access.ExpiresAt, request.SessionId);
            return new RefreshResult(RefreshOutcome.Rotated, successor);
        }

        if (session.LastRotation is { } rotation
            && rotation.RedeemedJti == request.PresentedJti
            && now - rotation.RedeemedAt < gracePeriod)
        {
            return new RefreshResult(RefreshOutcome.Replayed, rotation.Successor);
        }

        state.RemoveSession(request.SessionId);
        return new RefreshResult(RefreshOutcome.ReuseDetected, null);
    }
}
