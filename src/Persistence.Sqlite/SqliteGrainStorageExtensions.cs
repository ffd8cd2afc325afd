using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace OrleansTokens.Persistence.Sqlite;

/// <summary>
/// Registration of <see cref="SqliteGrainStorage"/> as a named Orleans grain storage provider.
/// </summary>
public static class SqliteGrainStorageExtensions
{
    /// <summary>Adds a SQLite grain storage provider named <paramref name="name"/>.</summary>
    public static ISiloBuilder AddSqliteGrainStorage(
        this ISiloBuilder builder, string name, Action<SqliteGrainStorageOptions> configure)
    {
        builder.Services.AddSqliteGrainStorage(name, configure);
        return builder;
    }

    /// <summary>Adds a SQLite grain storage provider named <paramref name="name"/>.</summary>
    public static IServiceCollection AddSqliteGrainStorage(
        this IServiceCollection services, string name, Action<SqliteGrainStorageOptions> configure)
    {
        services.AddOptions<SqliteGrainStorageOptions>(name).Configure(configure);
        return services.AddGrainStorage(name, static (provider, name) => new SqliteGrainStorage(
            name,
            provider.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId,
            provider.GetRequiredService<IOptionsMonitor<SqliteGrainStorageOptions>>().Get(name),
            provider.GetRequiredService<IGrainStorageSerializer>(),
            provider.GetRequiredService<ILogger<SqliteGrainStorage>>()));
    }
}
