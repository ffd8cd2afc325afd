using Microsoft.Data.Sqlite;
using Npgsql;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Storage;
using OrleansTokens.Grains;
using OrleansTokens.Persistence.PostgreSql;
using OrleansTokens.Persistence.Sqlite;

namespace OrleansTokens.Hosting;

/// <summary>
/// Configures an OrleansTokens silo or client from the <c>OrleansTokens:Cluster</c> configuration section.
/// </summary>
public static class OrleansTokensHostingExtensions
{
    /// <summary>ADO.NET provider invariant name of Npgsql.</summary>
    private const string NpgsqlInvariant = "Npgsql";

    /// <summary>
    /// Configures clustering, endpoints, grain storage and the user-tokens grain of a silo.
    /// Relative storage paths are resolved against <paramref name="contentRootPath"/>.
    /// </summary>
    public static ISiloBuilder AddOrleansTokensSilo(
        this ISiloBuilder silo, IConfiguration configuration, string contentRootPath)
    {
        var settings = ReadSettings(configuration);
        ConfigureCluster(silo.Services, settings);
        ConfigureSiloClustering(silo, settings, configuration);
        silo.Configure<SiloMessagingOptions>(options => options.ResponseTimeout = settings.ResponseTimeout);
        ConfigureStorage(silo, settings, configuration, contentRootPath);

        if (settings.ApplySchemaOnStart && UsesPostgreSql(settings))
        {
            var connectionString = RequireConnectionString(configuration);
            silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(provider =>
                new PostgreSqlSchemaMigrator(
                    connectionString, provider.GetRequiredService<ILogger<PostgreSqlSchemaMigrator>>()));
        }

        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, ListeningPortCheck>();
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.AddHostedService<ExpiredStateSweeper>();
        silo.Services.AddOptions<UserTokensOptions>()
            .Bind(configuration.GetSection(UserTokensOptions.SectionName))
            .Validate(o => o.ClockSkew >= TimeSpan.Zero, "OrleansTokens:Grain:ClockSkew must not be negative.")
            .Validate(o => o.MaxSessionsPerUser >= 1, "OrleansTokens:Grain:MaxSessionsPerUser must be at least 1.")
            .Validate(o => o.MaxAccessTokensPerSession >= 1,
                "OrleansTokens:Grain:MaxAccessTokensPerSession must be at least 1.")
            .Validate(o => o.RefreshReuseGracePeriod >= TimeSpan.Zero,
                "OrleansTokens:Grain:RefreshReuseGracePeriod must not be negative.")
            .Validate(o => o.PruneInterval > TimeSpan.Zero, "OrleansTokens:Grain:PruneInterval must be positive.")
            .Validate(o => o.SweepInterval > TimeSpan.Zero, "OrleansTokens:Grain:SweepInterval must be positive.")
            .ValidateOnStart();
        return silo;
    }

    /// <summary>Configures an external Orleans client that reaches the silos named by configuration.</summary>
    public static IClientBuilder AddOrleansTokensClient(this IClientBuilder client, IConfiguration configuration)
    {
        var settings = ReadSettings(configuration);
        ConfigureCluster(client.Services, settings);
        client.Configure<GatewayOptions>(options =>
            options.GatewayListRefreshPeriod = settings.Clustering.GatewayListRefreshPeriod);
        client.Services.TryAddSingleton<IClientConnectionRetryFilter, RetryForeverConnectionFilter>();
        client.Configure<ClientMessagingOptions>(options => options.ResponseTimeout = settings.ResponseTimeout);

        switch (settings.Clustering.Provider)
        {
            case ClusteringProviders.Localhost:
                client.UseLocalhostClustering(settings.Endpoints.GatewayPort);
                break;
            case ClusteringProviders.AdoNet:
                var connectionString = RequireConnectionString(configuration);
                client.UseAdoNetClustering(options =>
                {
                    options.Invariant = NpgsqlInvariant;
                    options.ConnectionString = connectionString;
                });
                break;
            default:
                throw UnknownClusteringProvider(settings);
        }

        return client;
    }

    /// <summary>Returns the PostgreSQL connection string, or throws an error that explains how to set it.</summary>
    public static string RequireConnectionString(IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString(OrleansTokensHostingOptions.ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                "ConnectionStrings:OrleansTokens is missing, and PostgreSQL clustering or storage needs it. Set it "
                + "(environment variable ConnectionStrings__OrleansTokens) to a connection string such as "
                + "'Host=127.0.0.1;Port=5432;Database=orleanstokens;Username=orleans;Password=...'.");
        }

        // Npgsql's parse errors quote the failing part, which can be a piece of the password, so they are not shown.
        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException)
        {
            throw new InvalidOperationException(
                "ConnectionStrings:OrleansTokens is not a valid Npgsql connection string: a key is unknown or a "
                + "value has the wrong form. Write it as 'Key=value' pairs separated by ';', and put a value that "
                + "contains ';', '=' or quotes in double quotes, as in Password=\"a;b\".");
        }

        return connectionString;
    }

    private static void ConfigureCluster(IServiceCollection services, OrleansTokensHostingOptions settings) =>
        services.Configure<ClusterOptions>(cluster =>
        {
            cluster.ClusterId = settings.ClusterId;
            cluster.ServiceId = settings.ServiceId;
        });

    private static void ConfigureSiloClustering(
        ISiloBuilder silo, OrleansTokensHostingOptions settings, IConfiguration configuration)
    {
        var endpoints = settings.Endpoints;
        endpoints.Validate();
        var advertised = endpoints.ParseAdvertisedAddress();
        switch (settings.Clustering.Provider)
        {
            case ClusteringProviders.Localhost:
                silo.UseLocalhostClustering(endpoints.SiloPort, endpoints.GatewayPort);
                break;
            case ClusteringProviders.AdoNet:
                var connectionString = RequireConnectionString(configuration);
                silo.UseAdoNetClustering(options =>
                {
                    options.Invariant = NpgsqlInvariant;
                    options.ConnectionString = connectionString;
                });
                silo.ConfigureEndpoints(
                    advertised ?? System.Net.IPAddress.Loopback,
                    endpoints.SiloPort,
                    endpoints.GatewayPort,
                    endpoints.ListenOnAnyHostAddress);
                silo.Configure<ClusterMembershipOptions>(options =>
                {
                    options.DefunctSiloExpiration = settings.Clustering.DefunctSiloExpiration;
                    options.DefunctSiloCleanupPeriod = settings.Clustering.DefunctSiloCleanupPeriod;
                    options.ProbeTimeout = settings.Clustering.ProbeTimeout;
                    options.NumMissedProbesLimit = settings.Clustering.MissedProbesLimit;
                });
                return;
            default:
                throw UnknownClusteringProvider(settings);
        }

        if (advertised is not null)
        {
            silo.Configure<EndpointOptions>(options => options.AdvertisedIPAddress = advertised);
        }
    }

    private static void ConfigureStorage(
        ISiloBuilder silo, OrleansTokensHostingOptions settings, IConfiguration configuration, string contentRootPath)
    {
        var serializer = new JsonGrainStateSerializer();
        silo.Services.TryAddSingleton<IGrainStorageSerializer>(serializer);
        switch (settings.Storage.Provider)
        {
            case StorageProviders.Sqlite:
                var path = CheckSqlitePath(settings.Storage.SqlitePath, contentRootPath);
                silo.AddSqliteGrainStorage(UserTokensGrain.StorageName, options =>
                {
                    options.DatabasePath = path;
                    options.GrainStorageSerializer = serializer;
                });
                silo.Services.AddSingleton<IExpiredStateStore>(new SqliteExpiredStateStore(path, settings.ServiceId));
                break;
            case StorageProviders.PostgreSql:
                var connectionString = RequireConnectionString(configuration);
                silo.AddAdoNetGrainStorage(UserTokensGrain.StorageName, options =>
                {
                    options.Invariant = NpgsqlInvariant;
                    options.ConnectionString = connectionString;
                    options.GrainStorageSerializer = serializer;
                    options.DeleteStateOnClear = true;
                });
                silo.Services.AddSingleton<IExpiredStateStore>(
                    new PostgreSqlExpiredStateStore(connectionString, settings.ServiceId));
                break;
            default:
                throw new InvalidOperationException(
                    $"OrleansTokens:Cluster:Storage:Provider is '{settings.Storage.Provider}', which is not a known "
                    + $"provider. Set it to {StorageProviders.Sqlite} or {StorageProviders.PostgreSql}.");
        }
    }

    /// <summary>SQLite's result code for a file that is not a database.</summary>
    private const int SqliteNotADatabase = 26;

    /// <summary>SQLite's result code for a damaged database file.</summary>
    private const int SqliteCorrupt = 11;

    /// <summary>
    /// Opens the SQLite file once at configuration time, so that an unusable path stops the process with a
    /// message that names the setting, rather than failing later inside the silo's start-up.
    /// </summary>
    private static string CheckSqlitePath(string configuredPath, string contentRootPath)
    {
        const string Setting = "OrleansTokens:Cluster:Storage:SqlitePath";
        const string Variable = "OrleansTokens__Cluster__Storage__SqlitePath";
        if (string.IsNullOrWhiteSpace(configuredPath))
        {
            throw new InvalidOperationException(
                $"{Setting} is empty. Set it, or the environment variable {Variable}, to a file path such as "
                + "data/orleanstokens.db (relative to the content root) or /var/lib/orleanstokens/tokens.db.");
        }

        string? path = null;
        try
        {
            path = Path.GetFullPath(configuredPath, contentRootPath);
            var folder = Path.GetDirectoryName(path);
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }

            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = path,
                Mode = SqliteOpenMode.ReadWriteCreate,
                Pooling = false,
            }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA schema_version;";
            command.ExecuteScalar();
            return path;
        }
        catch (SqliteException exception) when (exception.SqliteErrorCode is SqliteNotADatabase or SqliteCorrupt)
        {
            throw new InvalidOperationException(
                $"{Setting} is '{configuredPath}' ({path}), which is not a usable SQLite database: "
                + $"{exception.Message} Move that file away so that a new database is created, or set {Setting} "
                + $"(environment variable {Variable}) to another file.");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException
            or SqliteException or ArgumentException or NotSupportedException)
        {
            throw new InvalidOperationException(
                $"{Setting} is '{configuredPath}' ({path ?? "not a valid path"}), which cannot be used as a SQLite "
                + $"database: {exception.Message} Set {Setting} (environment variable {Variable}) to a file in a "
                + "folder that this process can create and write.");
        }
    }

    private static bool UsesPostgreSql(OrleansTokensHostingOptions settings) =>
        settings.Clustering.Provider == ClusteringProviders.AdoNet
        || settings.Storage.Provider == StorageProviders.PostgreSql;

    private static OrleansTokensHostingOptions ReadSettings(IConfiguration configuration)
    {
        var settings = new OrleansTokensHostingOptions();
        configuration.GetSection(OrleansTokensHostingOptions.SectionName).Bind(settings);
        settings.Clustering.Provider = Canonical(
            settings.Clustering.Provider, ClusteringProviders.Localhost, ClusteringProviders.AdoNet);
        settings.Storage.Provider = Canonical(
            settings.Storage.Provider, StorageProviders.Sqlite, StorageProviders.PostgreSql);
        return settings;
    }

    // Provider names match without regard to case; an unknown name is kept so that its error can show it.
    private static string Canonical(string value, params string[] names) =>
        names.FirstOrDefault(name => string.Equals(name, value, StringComparison.OrdinalIgnoreCase)) ?? value;

    private static InvalidOperationException UnknownClusteringProvider(OrleansTokensHostingOptions settings) =>
        new($"OrleansTokens:Cluster:Clustering:Provider is '{settings.Clustering.Provider}', which is not a known "
            + $"provider. Set it to {ClusteringProviders.Localhost} or {ClusteringProviders.AdoNet}.");
}
