using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;
using Orleans.Storage;
using OrleansTokens.Grains;
using OrleansTokens.Persistence.Sqlite;

namespace OrleansTokens.Hosting;

/// <summary>
/// Configures an OrleansTokens silo or client from the <c>OrleansTokens:Cluster</c> configuration section.
/// </summary>
public static class OrleansTokensHostingExtensions
{
    /// <summary>
    /// Configures clustering, endpoints, grain storage and the user-tokens grain of a silo.
    /// Relative storage paths are resolved against <paramref name="contentRootPath"/>.
    /// </summary>
    public static ISiloBuilder AddOrleansTokensSilo(
        this ISiloBuilder silo, IConfiguration configuration, string contentRootPath)
    {
        var settings = ReadSettings(configuration);
        silo.Configure<ClusterOptions>(cluster =>
        {
            cluster.ClusterId = settings.ClusterId;
            cluster.ServiceId = settings.ServiceId;
        });

        var endpoints = settings.Endpoints;
        switch (settings.Clustering.Provider)
        {
            case ClusteringProviders.Localhost:
                silo.UseLocalhostClustering(endpoints.SiloPort, endpoints.GatewayPort);
                break;
            default:
                throw UnknownProvider("OrleansTokens:Cluster:Clustering:Provider", settings.Clustering.Provider,
                    ClusteringProviders.Localhost);
        }

        var advertised = endpoints.ParseAdvertisedAddress();
        if (advertised is not null)
        {
            silo.Configure<EndpointOptions>(options => options.AdvertisedIPAddress = advertised);
        }

        var serializer = new JsonGrainStateSerializer();
        switch (settings.Storage.Provider)
        {
            case StorageProviders.Sqlite:
                var path = Path.GetFullPath(settings.Storage.SqlitePath, contentRootPath);
                silo.AddSqliteGrainStorage(UserTokensGrain.StorageName, options =>
                {
                    options.DatabasePath = path;
                    options.GrainStorageSerializer = serializer;
                });
                break;
            default:
                throw UnknownProvider("OrleansTokens:Cluster:Storage:Provider", settings.Storage.Provider, StorageProviders.Sqlite);
        }

        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.TryAddSingleton<IGrainStorageSerializer>(serializer);
        silo.Services.AddOptions<UserTokensOptions>()
            .Bind(configuration.GetSection(UserTokensOptions.SectionName))
            .Validate(o => o.ClockSkew >= TimeSpan.Zero, "OrleansTokens:Grain:ClockSkew must not be negative.")
            .ValidateOnStart();
        return silo;
    }

    /// <summary>Configures an external Orleans client that reaches the silos named by configuration.</summary>
    public static IClientBuilder AddOrleansTokensClient(this IClientBuilder client, IConfiguration configuration)
    {
        var settings = ReadSettings(configuration);
        client.Configure<ClusterOptions>(cluster =>
        {
            cluster.ClusterId = settings.ClusterId;
            cluster.ServiceId = settings.ServiceId;
        });

        switch (settings.Clustering.Provider)
        {
            case ClusteringProviders.Localhost:
                client.UseLocalhostClustering(settings.Endpoints.GatewayPort);
                break;
            default:
                throw UnknownProvider("OrleansTokens:Cluster:Clustering:Provider", settings.Clustering.Provider,
                    ClusteringProviders.Localhost);
        }

        return client;
    }

    private static OrleansTokensHostingOptions ReadSettings(IConfiguration configuration)
    {
        var settings = new OrleansTokensHostingOptions();
        configuration.GetSection(OrleansTokensHostingOptions.SectionName).Bind(settings);
        return settings;
    }

    private static InvalidOperationException UnknownProvider(string setting, string value, params string[] allowed) =>
        new($"{setting} is '{value}', which is not a known provider. Set it to one of: {string.Join(", ", allowed)}.");
}
