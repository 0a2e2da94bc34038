#pragma once

#include <QAbstractSocket>
#include <QHostAddress>
#include <QList>
#include <QNetworkProxy>
#include <QString>

#include "connectionoptions.h"

// Address, proxy and socket helpers behind Session's ConnectionOptions:
// which resolved addresses may be used (-4/-6, the family of --bind), which
// proxy a connection goes through, and messages that say what failed.
namespace NetSupport {

// The largest UDP payload a datagram to `peer` can carry at all (65507 bytes
// over IPv4, 65527 over IPv6); the path may allow less.
qint64 maxDatagramSize(const QHostAddress &peer);

// True when `address` may be used under the options' family (-4/-6) and
// the family of the local bind address, if one is set.
bool isUsable(const QHostAddress &address, const ConnectionOptions &options);
// The addresses that are usable, in their order.
QList<QHostAddress> usableAddresses(const QList<QHostAddress> &addresses, const ConnectionOptions &options);
// Why `host` (which gave `addresses`, maybe only the literal itself) has no
// usable address: "example.org has no IPv6 address (only 192.0.2.1)".
QString noUsableAddressMessage(const QString &host, const QList<QHostAddress> &addresses,
                               const ConnectionOptions &options);

// The proxy a TCP connection to host:port goes through: NoProxy for
// ProxySettings::Type::None (any application or system proxy is ignored),
// the system's answer for System (NoProxy when it says "direct").
QNetworkProxy proxyFor(const ConnectionOptions &options, const QString &host, quint16 port);
bool isProxied(const QNetworkProxy &proxy);
// "127.0.0.1:1080"
QString proxyEndpoint(const QNetworkProxy &proxy);
// "socks5://user@127.0.0.1:1080": no password, ever.
QString describeProxy(const QNetworkProxy &proxy);
// A message that says it was the proxy, and why, for an error Qt reported
// while connecting through `proxy` to `target` ("example.org:80").
QString proxyFailureMessage(QAbstractSocket::SocketError error, const QString &qtMessage,
                            const QNetworkProxy &proxy, const QString &target);

// Closes the sending side of a TCP socket (FIN): shutdown(fd, SHUT_WR).
// false with *error set (strerror) on failure.
bool shutdownWrite(qintptr descriptor, QString *error);

} // namespace NetSupport
