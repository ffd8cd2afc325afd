using System.Collections.Immutable;
using Orleans.Storage;

namespace OrleansTokens.Grains;

/// <summary>How the grain changes, prunes and persists its state.</summary>
public sealed partial class UserTokensGrain
{
    /// <summary>
    /// Applies a change to a copy of the state, drops what has expired, and persists the result. The grain's
    /// state changes only once storage has accepted the write, so a failed write leaves it as durable storage has
    /// it. After a version conflict (the row was changed or swept by someone else) the state is reloaded and the
    /// change applied once more.
    /// </summary>
    private async Task<T> UpdateAsync<T>(Func<UserTokensState, T> change)
    {
        for (var attempt = 1; ; attempt++)
        {
            var previous = state.State;
            var next = previous.Clone();
            var result = change(next);
            Prune(next);

            state.State = next;
            try
            {
                if (next.Tokens.Count == 0 && next.Sessions.Count == 0)
                {
                    // An empty state needs no row: reading a missing row yields the same empty state.
                    await state.ClearStateAsync();
                }
                else
                {
                    await state.WriteStateAsync();
                }

                return result;
            }
            catch (InconsistentStateException exception) when (attempt == 1)
            {
                state.State = previous;
                LogConflictRetry(logger, exception, UserId);
                await state.ReadStateAsync();
            }
            catch (InconsistentStateException exception)
            {
                // A second conflict in a row: let a fresh activation start over from storage.
                state.State = previous;
                LogWriteFailed(logger, exception, UserId);
                DeactivateOnIdle();
                throw;
            }
            catch (Exception exception)
            {
                state.State = previous;
                LogWriteFailed(logger, exception, UserId);
                throw new TokenStoreException(
                    $"Storing the token state of user '{UserId}' failed, so the change was not applied: "
                    + $"{exception.GetType().Name}: {exception.Message}");
            }
        }
    }

    /// <summary>Drops expired tokens and sessions, and rotations past the grace period, when there are any.</summary>
    private async Task PruneAsync(CancellationToken cancellationToken)
    {
        var probe = state.State.Clone();
        if (!Prune(probe))
        {
            return;
        }

        try
        {
            await UpdateAsync(_ => 0);
        }
        catch (Exception exception)
        {
            // Pruning is housekeeping: checks already treat expired entries as inactive.
            LogPruneFailed(logger, exception, UserId);
        }
    }

    /// <summary>Removes what has expired from <paramref name="tokens"/>; returns whether anything was removed.</summary>
    private bool Prune(UserTokensState tokens)
    {
        var changed = false;
        foreach (var (jti, lifetime) in tokens.Tokens.ToArray())
        {
            if (IsExpired(lifetime.ExpiresAt))
            {
                changed |= tokens.Tokens.Remove(jti);
            }
        }

        foreach (var (id, session) in tokens.Sessions.ToArray())
        {
            if (IsExpired(session.ExpiresAt))
            {
                changed |= tokens.Sessions.Remove(id);
            }
            else if (session.LastRotation is { } rotation
                && Now - rotation.RedeemedAt >= _options.RefreshReuseGracePeriod)
            {
                tokens.Sessions[id] = session with { LastRotation = null };
                changed = true;
            }
        }

        foreach (var sessionId in _issuedSuccessors.Keys.ToArray())
        {
            if (tokens.Sessions.GetValueOrDefault(sessionId)?.LastRotation is null)
            {
                _issuedSuccessors.Remove(sessionId);
            }
        }

        return changed;
    }

    /// <summary>
    /// Revokes the oldest sessions while the user has more than the configured maximum, and returns their ids.
    /// A token without a session counts as one session.
    /// </summary>
    private ImmutableArray<string> EnforceSessionLimit(UserTokensState tokens)
    {
        var units = tokens.Sessions
            .Where(pair => !IsExpired(pair.Value.ExpiresAt))
            .Select(pair => (Id: pair.Key, Since: pair.Value.CreatedAt, IsSession: true))
            .Concat(tokens.Tokens
                .Where(pair => pair.Value.SessionId is null && !IsExpired(pair.Value.ExpiresAt))
                .Select(pair => (Id: pair.Key, Since: pair.Value.IssuedAt, IsSession: false)))
            .OrderBy(unit => unit.Since)
            .ThenBy(unit => unit.Id, StringComparer.Ordinal)
            .ToList();

        var excess = units.Count - _options.MaxSessionsPerUser;
        if (excess <= 0)
        {
            return [];
        }

        var evicted = ImmutableArray.CreateBuilder<string>(excess);
        foreach (var unit in units.Take(excess))
        {
            if (unit.IsSession)
            {
                tokens.RemoveSession(unit.Id);
            }
            else
            {
                tokens.Tokens.Remove(unit.Id);
            }

            evicted.Add(unit.Id);
        }

        return evicted.MoveToImmutable();
    }

    private void ThrowIfInvalid(IssuedToken token, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(token, parameterName);
        ThrowIfInvalidId(token.Jti, "jti", TokenLimits.MaxJtiLength);
        if (token.ExpiresAt <= token.IssuedAt)
        {
            throw new ArgumentException(
                $"Token '{token.Jti}' expires at {token.ExpiresAt:O}, which is not after its issue time "
                + $"{token.IssuedAt:O}.", parameterName);
        }

        if (IsExpired(token.ExpiresAt))
        {
            throw new ArgumentException(
                $"Token '{token.Jti}' expired at {token.ExpiresAt:O} and cannot be registered.", parameterName);
        }
    }

    private static void ThrowIfInvalidId(string value, string claimName, int maxLength)
    {
        var error = TokenLimits.Validate(value, claimName, maxLength);
        if (error is not null)
        {
            throw new ArgumentException(error, claimName);
        }
    }
}
