using System.Text.Json;
using Microsoft.Data.Sqlite;
using OrleansTokens.Hosting;

namespace OrleansTokens.Grains.Tests;

/// <summary>
/// <see cref="SqliteExpiredStateStore"/> against rows written by real grains and rows written by hand. The class
/// has a cluster of its own, so that a sweep counts only the rows of these tests.
/// </summary>
public sealed class ExpiredStateSweepTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private ManualTimeProvider Clock => fixture.Clock;

    [Fact]
    public async Task Sweep_DeletesOnlyFullyExpiredRows()
    {
        var expired = fixture.User("sweep-expired");
        var liveToken = fixture.User("sweep-live-token");
        var liveSession = fixture.User("sweep-live-session");
        var now = Clock.GetUtcNow();
        await expired.StartSessionAsync(TestSessions.New(Clock, "s1", refreshLifetime: TimeSpan.FromMinutes(30)));
        await expired.RegisterAsync(TestSessions.PlainToken(Clock, "expired-plain"));
        await liveToken.RegisterAsync(TestSessions.PlainToken(Clock, "short"));
        await liveToken.RegisterAsync(new IssuedToken("long", now, now + TimeSpan.FromHours(2)));
        await liveSession.StartSessionAsync(TestSessions.New(Clock, "s1"));
        await fixture.DeactivateAllAsync();
        Clock.Advance(TimeSpan.FromHours(1));
        var store = new SqliteExpiredStateStore(fixture.DatabasePath, fixture.ServiceId);

        var deleted = await store.DeleteExpiredAsync(Clock.GetUtcNow() - TestSiloConfigurator.ClockSkew, default);

        Assert.Equal(1, deleted);
        Assert.Null(fixture.ReadStoredVersion("sweep-expired"));
        Assert.NotNull(fixture.ReadStoredVersion("sweep-live-token"));
        Assert.NotNull(fixture.ReadStoredVersion("sweep-live-session"));

        Assert.Empty(await expired.ListSessionsAsync());
        Assert.Empty(await expired.ListActiveAsync());
        await expired.RegisterAsync(TestSessions.PlainToken(Clock, "after-sweep"));
        Assert.True(await expired.IsActiveAsync("after-sweep"));
        Assert.Equal(1L, fixture.ReadStoredVersion("sweep-expired"));
    }

    [Fact]
    public async Task Sweep_KeepsUnparsableAndLaterRows()
    {
        // A service id of its own keeps the grains' rows of the other test out of the count.
        var serviceId = Guid.NewGuid().ToString("N");
        var cutoff = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        InsertRow(serviceId, "bad-token", TokenPayload("not a date"));
        InsertRow(serviceId, "bad-session", SessionPayload("2030-13-45T99:00:00+00:00"));
        InsertRow(serviceId, "before-cutoff", TokenPayload("2029-12-31T23:59:59.0000000+00:00"));
        InsertRow(serviceId, "at-cutoff", SessionPayload("2030-01-01T00:00:00.0000000+00:00"));
        InsertRow(serviceId, "before-cutoff-other-offset", TokenPayload("2030-01-01T01:00:00.0000000+02:00"));
        InsertRow(serviceId, "after-cutoff", TokenPayload("2030-01-01T00:00:01.0000000+00:00"));
        var store = new SqliteExpiredStateStore(fixture.DatabasePath, serviceId);

        var deleted = await store.DeleteExpiredAsync(cutoff, default);

        Assert.Equal(3, deleted);
        Assert.Equal(["after-cutoff", "bad-session", "bad-token"], ReadGrainIds(serviceId));
    }

    private static string TokenPayload(string expiresAt) => JsonSerializer.Serialize(new
    {
        tokens = new Dictionary<string, object> { ["t1"] = new { issuedAt = "2020-01-01T00:00:00+00:00", expiresAt } },
        sessions = new Dictionary<string, object>(),
    });

    private static string SessionPayload(string expiresAt) => JsonSerializer.Serialize(new
    {
        tokens = new Dictionary<string, object>(),
        sessions = new Dictionary<string, object>
        {
            ["s1"] = new { createdAt = "2020-01-01T00:00:00+00:00", expiresAt },
        },
    });

    private void InsertRow(string serviceId, string grainId, string payload)
    {
        using var connection = new SqliteConnection($"Data Source={fixture.DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO grain_state (service_id, state_name, grain_id, version, payload, modified_at)
            VALUES ($service, $state, $grain, 1, $payload, '2020-01-01 00:00:00');
            """;
        command.Parameters.AddWithValue("$service", serviceId);
        command.Parameters.AddWithValue("$state", UserTokensGrain.StateName);
        command.Parameters.AddWithValue("$grain", grainId);
        command.Parameters.AddWithValue("$payload", System.Text.Encoding.UTF8.GetBytes(payload));
        command.ExecuteNonQuery();
    }

    private List<string> ReadGrainIds(string serviceId)
    {
        using var connection = new SqliteConnection($"Data Source={fixture.DatabasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT grain_id FROM grain_state WHERE service_id = $service ORDER BY grain_id;";
        command.Parameters.AddWithValue("$service", serviceId);
        using var reader = command.ExecuteReader();
        var grainIds = new List<string>();
        while (reader.Read())
        {
            grainIds.Add(reader.GetString(0));
        }

        return grainIds;
    }
}
