namespace OrleansTokens.Grains;

/// <summary>
/// Refresh token rotation with reuse detection, applied to a user's state.
/// </summary>
/// <remarks>
/// Every refresh token is signed by the issuer and names its session, so a validly signed refresh token of a
/// session that is not the session's current one must be an earlier one: it was redeemed before. A repeat
/// within the grace period gets the successor issued the first time. A later repeat means the token was
/// copied, so the whole session (the token family) is revoked, and no other session of the user.
/// </remarks>
internal static class RefreshSessions
{
    /// <param name="issuedSuccessors">
    /// The successor pair of each session's last rotation, kept only in the grain's memory so that token text
    /// never reaches storage. After a restart it is gone, and a repeat within the grace period then gets
    /// <see cref="RefreshOutcome.Reissue"/> with the stored ids of that pair.
    /// </param>
    public static RefreshResult Apply(
        UserTokensState state,
        RefreshRequest request,
        DateTimeOffset now,
        UserTokensOptions options,
        IReadOnlyDictionary<string, TokenPair> issuedSuccessors,
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
                LastRotation = new RefreshRotation(
                    request.PresentedJti, now, new IssuedPair(successor.Access.Token, successor.Refresh.Token)),
            };
            var access = successor.Access.Token;
            state.Tokens[access.Jti] = new TokenLifetime(access.IssuedAt, access.ExpiresAt, request.SessionId, now);
            LimitAccessTokens(state, request.SessionId, options.MaxAccessTokensPerSession);
            return new RefreshResult(RefreshOutcome.Rotated, successor);
        }

        if (session.LastRotation is { } rotation
            && rotation.RedeemedJti == request.PresentedJti
            && now - rotation.RedeemedAt < options.RefreshReuseGracePeriod)
        {
            // NOTE: the pair is returned as issued, even when its access token was revoked on its own since,
            // for example through RFC 7009 revocation. That access token then gets 401, and the refresh token works.
            if (issuedSuccessors.TryGetValue(request.SessionId, out var pair))
            {
                return new RefreshResult(RefreshOutcome.Replayed, pair);
            }

            return rotation.Successor is { } ids
                ? new RefreshResult(RefreshOutcome.Reissue, null, ids)
                : new RefreshResult(RefreshOutcome.ReplayUnavailable, null);
        }

        state.RemoveSession(request.SessionId);
        return new RefreshResult(RefreshOutcome.ReuseDetected, null);
    }

    /// <summary>
    /// Revokes all but the newest access tokens of a session. Without it, a client refreshing in a loop could
    /// grow the user's state without bound.
    /// </summary>
    private static void LimitAccessTokens(UserTokensState state, string sessionId, int max)
    {
        var tokens = state.Tokens
            .Where(pair => pair.Value.SessionId == sessionId)
            .OrderByDescending(pair => pair.Value.RegisteredAt ?? pair.Value.IssuedAt)
            .ThenByDescending(pair => pair.Key, StringComparer.Ordinal)
            .Skip(max)
            .Select(pair => pair.Key)
            .ToList();
        foreach (var jti in tokens)
        {
            state.Tokens.Remove(jti);
        }
    }
}
