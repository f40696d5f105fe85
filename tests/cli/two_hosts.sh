# Two hosts on this machine, for the tests of jobs over several hosts (sourced): network
# namespaces joined by a veth pair stand in for algo-1 and algo-2, each with a host name of its
# own (a UTS namespace), as SageMaker's hosts have, and Open MPI's launch agent runs its commands
# in them in place of ssh. With one host name for both, mpirun took the first host for a remote
# one too and started a daemon there through the agent; about one job in fifteen then hung.

# two_hosts_up PREFIX NET: the namespaces $h1 and $h2 (PREFIX-algo-1 and PREFIX-algo-2) at NET.1
# and NET.2 of NET.0/24, the launch agent, and in $mpi_options the options that make mpirun use
# them. Returns 1, the reason in $two_hosts_missing, where the machine does not allow it.
two_hosts_up() {
  local prefix=$1 net=$2
  h1=$prefix-algo-1 h2=$prefix-algo-2
  if [ "$(id -u)" != 0 ]; then two_hosts_missing="network namespaces need root"; return 1; fi
  if ! command -v unshare >/dev/null; then two_hosts_missing="no unshare (util-linux)"; return 1; fi
  if ! ip netns add "$h1" 2>/dev/null || ! ip netns add "$h2" 2>/dev/null; then
    two_hosts_missing="this machine does not allow network namespaces"
    return 1
  fi
  if ! { ip link add "${prefix}a" type veth peer name "${prefix}b" &&
         ip link set "${prefix}a" netns "$h1" && ip link set "${prefix}b" netns "$h2" &&
         ip -n "$h1" addr add "$net.1/24" dev "${prefix}a" && ip -n "$h2" addr add "$net.2/24" dev "${prefix}b" &&
         ip -n "$h1" link set "${prefix}a" up && ip -n "$h2" link set "${prefix}b" up &&
         ip -n "$h1" link set lo up && ip -n "$h2" link set lo up; } 2>/dev/null; then
    two_hosts_missing="cannot join the namespaces with a veth pair"
    return 1
  fi
  # The agent: "AGENT HOST COMMAND..." runs the command in HOST's namespace under HOST's name.
  local agent=$SCRATCH/netns-agent
  printf '#!/bin/sh\nhost=$1; shift\nexec ip netns exec "$host" unshare --uts sh -c "hostname $host && $*"\n' >"$agent"
  chmod +x "$agent"
  mpi_options="--mca plm_rsh_agent $agent --mca oob_tcp_if_include $net.0/24 --mca btl_tcp_if_include $net.0/24 --mca btl tcp,self"
}

# two_hosts_down: removes the namespaces (their veth pair goes with them).
two_hosts_down() {
  ip netns del "$h1" 2>/dev/null
  ip netns del "$h2" 2>/dev/null
}

# on_host HOST COMMAND...: runs COMMAND in HOST's namespace, under HOST's name.
on_host() {
  local host=$1
  shift
  ip netns exec "$host" unshare --uts sh -c 'hostname "$1" && shift && exec "$@"' sh "$host" "$@"
}
