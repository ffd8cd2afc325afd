using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;

namespace OrleansTokens.Hosting;

/// <summary>
/// Checks, before the silo starts listening, that no other process listens on its silo and gateway endpoints.
/// </summary>
/// <remarks>
/// Orleans binds its listeners with address reuse, which on Linux lets a second silo bind the same port as
/// a running one. The kernel would then share incoming connections between two unrelated clusters. A socket
/// without address reuse cannot bind a port that any process listens on, so a trial bind finds the conflict.
/// </remarks>
public sealed class ListeningPortCheck(IOptions<EndpointOptions> endpoints) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ListeningPortCheck), ServiceLifecycleStage.First, _ =>
        {
            var options = endpoints.Value;
            var address = options.AdvertisedIPAddress ?? IPAddress.Loopback;
            ThrowIfInUse(options.SiloListeningEndpoint ?? new IPEndPoint(address, options.SiloPort));
            if (options.GatewayPort > 0)
            {
                ThrowIfInUse(options.GatewayListeningEndpoint ?? new IPEndPoint(address, options.GatewayPort));
            }

            return Task.CompletedTask;
        });

    private static void ThrowIfInUse(IPEndPoint endpoint)
    {
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(endpoint);
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new AddressInUseException($"Another process already listens on {endpoint}.", exception);
        }
    }
}
