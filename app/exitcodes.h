#pragma once

// Exit codes of the command line. Public interface: keep the numbers stable.
enum class ExitCode : int {
    Success = 0,
    SocketError = 1,
    UsageError = 2,
    HostNotFound = 3,
    ConnectionRefused = 4, // also: network unreachable
    TimedOut = 5,
    ResetByPeer = 6,
    FileError = 7,
    TlsFailed = 8,  // handshake or certificate verification failed
    ProxyError = 9, // including a target the proxy could not reach
    Interrupted = 130,
};

constexpr int toInt(ExitCode code) { return static_cast<int>(code); }
