using System.Diagnostics;

namespace OrleansTokens.Cluster.Tests;

/// <summary>A silo that cannot reach PostgreSQL at start exits with a message instead of an unhandled exception.</summary>
public sealed class SiloStartupTests
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Silo_UnreachableDatabase_ExitsWithMessage()
    {
        var folder = Path.Combine(RepositoryRoot.Path, "src", "Silo", "bin", "Debug", "net10.0");
        var startInfo = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(folder, "OrleansTokens.Silo.dll"), "--urls", "http://127.0.0.1:0" },
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        startInfo.Environment["OrleansTokens__Cluster__Clustering__Provider"] = "AdoNet";
        startInfo.Environment["OrleansTokens__Cluster__Storage__Provider"] = "PostgreSql";
        startInfo.Environment["ConnectionStrings__OrleansTokens"] =
            "Host=127.0.0.1;Port=1;Username=orleans;Password=secret-in-test;Database=tokens;Timeout=5";

        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ExitTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The silo did not exit within {ExitTimeout} without a database.");
        }

        var standardError = await error;
        var standardOutput = await output;
        Assert.Equal(1, process.ExitCode);
        Assert.Contains("Could not use PostgreSQL: Failed to connect to 127.0.0.1:1", standardError, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings:OrleansTokens", standardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", standardError, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-in-test", standardError + standardOutput, StringComparison.Ordinal);
    }
}
