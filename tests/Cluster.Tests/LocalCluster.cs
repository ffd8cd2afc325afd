using System.Diagnostics;
using System.Text;

namespace OrleansTokens.Cluster.Tests;

/// <summary>
/// Runs scripts/local-cluster.sh: PostgreSQL, two silos and two API hosts as real processes on 127.0.0.1.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private readonly StringBuilder _output = new();
    private Process? _script;

    public LocalCluster(int portOffset, string stateDirectory)
    {
        PortOffset = portOffset;
        StateDirectory = stateDirectory;
    }

    /// <summary>Users added to the cluster for load tests, all with <see cref="LoadPassword"/>.</summary>
    public static IReadOnlyList<string> LoadUsers { get; } = Enumerable.Range(0, 8).Select(i => $"load{i}").ToArray();

    /// <summary>Password of the load users: the demo user's, whose hash deploy/cluster.env holds.</summary>
    public const string LoadPassword = "test";

    public int PortOffset { get; }

    public string StateDirectory { get; }

    public Uri ApiA => new($"http://127.0.0.1:{5001 + PortOffset}");

    public Uri ApiB => new($"http://127.0.0.1:{5002 + PortOffset}");

    public string ConnectionString =>
        $"Host=127.0.0.1;Port={15432 + PortOffset};Database=orleanstokens;Username=postgres;Pooling=false";

    /// <summary>Starts the cluster and returns once both API hosts report ready.</summary>
    public async Task StartAsync()
    {
        var startInfo = new ProcessStartInfo("bash")
        {
            ArgumentList =
            {
                Path.Combine(RepositoryRoot.Path, "scripts", "local-cluster.sh"),
                "--port-offset", PortOffset.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--state-dir", StateDirectory,
                "--no-build",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var demoHash = File.ReadAllLines(Path.Combine(RepositoryRoot.Path, "deploy", "cluster.env"))
            .Single(line => line.StartsWith("Users__test__PasswordHash=", StringComparison.Ordinal))
            .Split('=', 2)[1];
        foreach (var user in LoadUsers)
        {
            startInfo.Environment[$"Users__{user}__PasswordHash"] = demoHash;
        }

        // The load tests log in and refresh many times a second from one address.
        startInfo.Environment["RateLimiting__Login__PermitLimit"] = "1000000";
        startInfo.Environment["RateLimiting__Refresh__PermitLimit"] = "1000000";

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _script = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        _script.OutputDataReceived += (_, e) => Record(e.Data, ready);
        _script.ErrorDataReceived += (_, e) => Record(e.Data, ready);
        _script.Exited += (_, _) => ready.TrySetException(
            new InvalidOperationException($"local-cluster.sh exited before it was ready:\n{Output}"));
        _script.Start();
        _script.BeginOutputReadLine();
        _script.BeginErrorReadLine();

        try
        {
            await ready.Task.WaitAsync(StartTimeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"local-cluster.sh was not ready after {StartTimeout}:\n{Output}");
        }
    }

    /// <summary>Stops the cluster the way Ctrl+C would, and waits until every process it started is gone.</summary>
    public async Task StopAsync()
    {
        if (_script is null || _script.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", _script.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _script.WaitForExitAsync(timeout.Token);
        _script.Dispose();
        _script = null;
    }

    /// <summary>Kills one process of the cluster (silo1, silo2, api1, api2) with SIGKILL.</summary>
    public void Kill(string name)
    {
        var line = File.ReadAllLines(Path.Combine(StateDirectory, "pids"))
            .Single(l => l.StartsWith(name + " ", StringComparison.Ordinal));
        var pid = int.Parse(line[(name.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        using var process = Process.GetProcessById(pid);
        process.Kill();
        process.WaitForExit();
    }

    /// <summary>Kills the PostgreSQL server with SIGKILL, as a crash would.</summary>
    public void KillPostgreSql()
    {
        var pid = int.Parse(
            File.ReadLines(Path.Combine(StateDirectory, "pgdata", "postmaster.pid")).First(),
            System.Globalization.CultureInfo.InvariantCulture);
        using var process = Process.GetProcessById(pid);
        process.Kill();
        process.WaitForExit();
    }

    /// <summary>Starts the PostgreSQL server again on its data folder and port, as the postgres user.</summary>
    public async Task StartPostgreSqlAsync()
    {
        var binFolder = Directory.GetDirectories("/usr/lib/postgresql")
            .OrderBy(folder => int.Parse(Path.GetFileName(folder), System.Globalization.CultureInfo.InvariantCulture))
            .Last();
        var dataFolder = Path.Combine(StateDirectory, "pgdata");
        var port = (15432 + PortOffset).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var startInfo = new ProcessStartInfo("runuser")
        {
            ArgumentList =
            {
                "-u", "postgres", "--", Path.Combine(binFolder, "bin", "pg_ctl"), "-D", dataFolder, "-w",
                "-l", Path.Combine(dataFolder, "postgresql.log"),
                "-o", $"-c listen_addresses=127.0.0.1 -p {port} -k {dataFolder}", "start",
            },
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(startInfo)!;
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"pg_ctl start exited with {process.ExitCode}.");
        }
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private void Record(string? line, TaskCompletionSource ready)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (line.Contains("[local-cluster] ready", StringComparison.Ordinal))
        {
            ready.TrySetResult();
        }
    }
}
