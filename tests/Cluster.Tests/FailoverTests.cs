using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Xunit.Abstractions;

namespace OrleansTokens.Cluster.Tests;

[Collection(ClusterCollection.Name)]
public sealed class FailoverTests(FailoverClusterFixture fixture, ITestOutputHelper output)
    : IClassFixture<FailoverClusterFixture>
{
    private static readonly TimeSpan KillAfter = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan LoadAfterKill = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxOutage = TimeSpan.FromSeconds(20);

    private readonly LocalCluster _cluster = fixture.Cluster;

    [Fact]
    public async Task SiloKilledUnderLoad_LosesNoAcknowledgedChange()
    {
        using var hostA = new ApiClient(_cluster.ApiA);
        using var hostB = new ApiClient(_cluster.ApiB);
        var live = new ConcurrentBag<string>();
        var revoked = new ConcurrentBag<string>();
        var failures = new ConcurrentBag<TimeSpan>();
        var stopwatch = Stopwatch.StartNew();
        var loadDuration = KillAfter + LoadAfterKill;

        // Workers log in as several users and revoke every other token, alternating hosts. Only changes
        // acknowledged with 200 are recorded. A logout that failed may or may not have been applied, so its
        // token is left out of the final check.
        var workers = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            for (var round = 0; stopwatch.Elapsed < loadDuration; round++)
            {
                var (issuer, checker) = round % 2 == 0 ? (hostA, hostB) : (hostB, hostA);
                var user = LocalCluster.LoadUsers[(worker + round) % LocalCluster.LoadUsers.Count];
                try
                {
                    var token = await issuer.LoginAsync(user, LocalCluster.LoadPassword);
                    if (round % 2 == 1)
                    {
                        live.Add(token);
                        continue;
                    }

                    if (await checker.LogoutAsync(token) == HttpStatusCode.OK)
                    {
                        revoked.Add(token);
                    }
                    else
                    {
                        failures.Add(stopwatch.Elapsed);
                    }
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                {
                    failures.Add(stopwatch.Elapsed);
                    await Task.Delay(100);
                }
            }
        })).ToArray();

        await Task.Delay(KillAfter);
        _cluster.Kill("silo1");
        var killedAt = stopwatch.Elapsed;
        await Task.WhenAll(workers);

        var lastFailure = failures.DefaultIfEmpty(TimeSpan.Zero).Max();
        output.WriteLine(
            $"Killed silo1 at {killedAt.TotalSeconds:F1} s; {failures.Count} requests failed, the last at "
            + $"{lastFailure.TotalSeconds:F1} s; {live.Count} live and {revoked.Count} revoked tokens acknowledged.");
        Assert.True(
            lastFailure < killedAt + MaxOutage,
            $"Requests still failed {lastFailure - killedAt} after the kill; the limit is {MaxOutage}.");

        foreach (var token in live)
        {
            Assert.Equal(HttpStatusCode.OK, await hostA.GetProtectedAsync(token));
            Assert.Equal(HttpStatusCode.OK, await hostB.GetProtectedAsync(token));
        }

        foreach (var token in revoked)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await hostA.GetProtectedAsync(token));
            Assert.Equal(HttpStatusCode.Unauthorized, await hostB.GetProtectedAsync(token));
        }

        Assert.NotEmpty(live);
        Assert.NotEmpty(revoked);
    }
}
