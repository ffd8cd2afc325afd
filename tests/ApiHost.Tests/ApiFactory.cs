using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using OrleansTokens.ApiHost.Auth;

namespace OrleansTokens.ApiHost.Tests;

/// <summary>
/// Runs the sample API in memory with settings given by the test. Every instance gets its own silo and
/// gateway ports, so several can run at once next to a developer's own instance.
/// </summary>
public sealed class ApiFactory(string environment, IReadOnlyDictionary<string, string> settings)
    : WebApplicationFactory<Program>
{
    public const string Issuer = "orleans-tokens-tests";

    public const string Audience = "orleans-tokens-tests-api";

    public const string Password = "correct horse battery staple";

    // Hashing is deliberately slow, and the hash format does not depend on the user name, so all test
    // users share one hash.
    private static readonly Lazy<string> PasswordHash = new(() => CredentialValidator.HashPassword(Password));

    public IReadOnlyDictionary<string, string> Settings { get; } = settings;

    public string SigningKey => Settings["Jwt:SigningKey"];

    /// <summary>
    /// Returns the settings of an embedded silo on <paramref name="databasePath"/>: fresh ports, the test
    /// issuer and audience, and the given users, each with the password <see cref="Password"/>.
    /// </summary>
    public static Dictionary<string, string> EmbeddedSettings(
        string databasePath, string signingKey, IEnumerable<string> userNames)
    {
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["OrleansTokens:Mode"] = "Embedded",
            ["OrleansTokens:Cluster:Storage:SqlitePath"] = databasePath,
            ["OrleansTokens:Cluster:Endpoints:SiloPort"] = FreePort().ToString(),
            ["OrleansTokens:Cluster:Endpoints:GatewayPort"] = FreePort().ToString(),
            ["Jwt:SigningKey"] = signingKey,
            ["Jwt:Issuer"] = Issuer,
            ["Jwt:Audience"] = Audience,
            ["Logging:LogLevel:Default"] = "Warning",

            // Every test request comes from the same test server, so the default limits would be shared.
            ["RateLimiting:Login:PermitLimit"] = "1000000",
            ["RateLimiting:Refresh:PermitLimit"] = "1000000",
            ["RateLimiting:ClientAuthenticationFailures:PermitLimit"] = "1000000",
        };
        foreach (var userName in userNames)
        {
            AddUser(settings, userName);
        }

        return settings;
    }

    /// <summary>Adds a user with the password <see cref="Password"/> and the given roles to the settings.</summary>
    public static void AddUser(IDictionary<string, string> settings, string userName, params string[] roles)
    {
        settings[$"Users:{userName}:PasswordHash"] = PasswordHash.Value;
        for (var i = 0; i < roles.Length; i++)
        {
            settings[$"Users:{userName}:Roles:{i}"] = roles[i];
        }
    }

    /// <summary>Adds an OAuth client of the revocation and introspection endpoints to the settings.</summary>
    public static void AddOAuthClient(IDictionary<string, string> settings, string clientId, string secret) =>
        settings[$"OAuth:Clients:{clientId}:SecretSha256"] =
            Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret)));

    /// <summary>Returns a random base64 HMAC-SHA256 key of 256 bits.</summary>
    public static string NewSigningKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);

        // Program reads the Orleans settings while building, so they must be host settings, not app configuration.
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>Returns a loopback TCP port that was free a moment ago.</summary>
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
