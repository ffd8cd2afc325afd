#!/bin/sh
# Entry point of the silo image. Other silos and clients reach a silo at the address it writes to the
# membership table, so unless OrleansTokens__Cluster__Endpoints__AdvertisedIPAddress is set, this script
# sets it to the container's own IPv4 address. Then it starts the silo with the arguments it was given.
set -eu

if [ -z "${OrleansTokens__Cluster__Endpoints__AdvertisedIPAddress:-}" ]; then
    # Docker maps the container's host name to its address in /etc/hosts. A container attached to several
    # networks gets the first address that the resolver returns.
    host_name=$(cat /etc/hostname)
    address=$(getent ahostsv4 "$host_name" | head -n 1 | cut -d ' ' -f 1)
    case "$address" in
        '' | 127.*)
            echo "silo-entrypoint: host name '$host_name' resolves to '$address', not to an address that" \
                "other containers can reach. Set OrleansTokens__Cluster__Endpoints__AdvertisedIPAddress." >&2
            exit 1
            ;;
    esac

    export OrleansTokens__Cluster__Endpoints__AdvertisedIPAddress="$address"
fi

exec dotnet /app/OrleansTokens.Silo.dll "$@"
