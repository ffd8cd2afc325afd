using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using OrleansTokens.Persistence.Sqlite;

namespace OrleansTokens.Hosting;

/// <summary>
/// Explanations of start-up failures that an operator can fix by configuration, so that the process exits
/// with one clear message instead of an unhandled exception.
/// </summary>
public static class StartupErrors
{
    /// <summary>
    /// Returns the lines that explain the failure and name the setting to change, or null when the exception is
    /// not one of the known start-up failures.
    /// </summary>
    public static IReadOnlyList<string>? Explain(Exception exception, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(configuration);
        var chain = Flatten(exception).ToList();

        if (chain.OfType<OptionsValidationException>().FirstOrDefault() is { } invalid)
        {
            return invalid.Failures.Select(failure => $"Configuration error: {failure}").ToList();
        }

        // Kestrel wraps its bind failure in an IOException that names the address. Orleans throws it unwrapped.
        if (chain.OfType<IOException>().FirstOrDefault(e => e.InnerException is AddressInUseException) is { } http)
        {
            return [$"Could not listen for HTTP: {http.Message} Choose another address with --urls or ASPNETCORE_URLS."];
        }

        if (chain.OfType<SqliteDatabaseInUseException>().FirstOrDefault() is { } databaseInUse)
        {
            return
            [
                $"{databaseInUse.Message} Two processes on one file would each keep their own copy of a user's "
                + "tokens, and a revocation in one would not reach the other. Set "
                + "OrleansTokens:Cluster:Storage:SqlitePath to choose another file.",
            ];
        }

        if (chain.OfType<AddressInUseException>().FirstOrDefault() is { } portInUse)
        {
            var endpoints = new EndpointSettings();
            configuration.GetSection($"{OrleansTokensHostingOptions.SectionName}:Endpoints").Bind(endpoints);
            return
            [
                $"Could not listen for Orleans: {portInUse.Message.TrimEnd('.')}. Stop the process that uses it, or "
                + $"set OrleansTokens:Cluster:Endpoints:SiloPort (now {endpoints.SiloPort}) and GatewayPort (now "
                + $"{endpoints.GatewayPort}) to free ports.",
            ];
        }

        if (chain.OfType<NpgsqlException>().FirstOrDefault() is { } database)
        {
            return
            [
                $"Could not use PostgreSQL: {database.Message}. Check that the server is running and that "
                + $"ConnectionStrings:{OrleansTokensHostingOptions.ConnectionStringName} has the right host, port, "
                + "database, user and password.",
            ];
        }

        return null;
    }

    /// <summary>
    /// Runs the host until it stops and returns the process exit code: 0, or 1 after a known start-up failure,
    /// whose explanation goes to standard error. Other exceptions propagate.
    /// </summary>
    /// <param name="configuration">
    /// The host's configuration, passed in because the host disposes its services when it fails to start.
    /// </param>
    public static async Task<int> RunAsync(IHost host, IConfiguration configuration)
    {
        try
        {
            await host.RunAsync();
            return 0;
        }
        catch (Exception exception) when (Explain(exception, configuration) is { } lines)
        {
            foreach (var line in lines)
            {
                await Console.Error.WriteLineAsync(line);
            }

            return 1;
        }
    }

    private static IEnumerable<Exception> Flatten(Exception exception)
    {
        yield return exception;
        IEnumerable<Exception> children = exception switch
        {
            AggregateException aggregate => aggregate.InnerExceptions,
            { InnerException: { } inner } => [inner],
            _ => [],
        };
        foreach (var descendant in children.SelectMany(Flatten))
        {
            yield return descendant;
        }
    }
}
