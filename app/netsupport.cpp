#include "netsupport.h"

#include <cerrno>
#include <cstring>

#include <sys/socket.h>

#include <QCoreApplication>
#include <QNetworkProxyFactory>
#include <QNetworkProxyQuery>
#include <QStringList>

#include "session.h"

namespace NetSupport {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("NetSupport", text);
}

QAbstractSocket::NetworkLayerProtocol protocolOf(const QHostAddress &address)
{
    // An IPv4-mapped IPv6 address (::ffff:1.2.3.4) still reaches an IPv4 peer.
    bool isV4 = false;
    address.toIPv4Address(&isV4);
    return isV4 ? QAbstractSocket::IPv4Protocol : address.protocol();
}

// The family every usable address must have, or UnknownNetworkLayerProtocol for any.
QAbstractSocket::NetworkLayerProtocol requiredProtocol(const ConnectionOptions &options)
{
    switch (options.family) {
    case ConnectionOptions::Family::IPv4:
        return QAbstractSocket::IPv4Protocol;
    case ConnectionOptions::Family::IPv6:
        return QAbstractSocket::IPv6Protocol;
    case ConnectionOptions::Family::Any:
        break;
    }
    if (!options.bindAddress.isNull())
        return protocolOf(options.bindAddress);
    return QAbstractSocket::UnknownNetworkLayerProtocol;
}

QString familyName(QAbstractSocket::NetworkLayerProtocol protocol)
{
    return protocol == QAbstractSocket::IPv6Protocol ? QStringLiteral("IPv6") : QStringLiteral("IPv4");
}

} // namespace

qint64 maxDatagramSize(const QHostAddress &peer)
{
    // 65535 minus the UDP header (8) and, for IPv4, the minimal IP header (20).
    return protocolOf(peer) == QAbstractSocket::IPv6Protocol ? 65527 : 65507;
}

bool isUsable(const QHostAddress &address, const ConnectionOptions &options)
{
    const QAbstractSocket::NetworkLayerProtocol required = requiredProtocol(options);
    return required == QAbstractSocket::UnknownNetworkLayerProtocol || protocolOf(address) == required;
}

QList<QHostAddress> usableAddresses(const QList<QHostAddress> &addresses, const ConnectionOptions &options)
{
    QList<QHostAddress> usable;
    for (const QHostAddress &address : addresses) {
        if (isUsable(address, options))
            usable.append(address);
    }
    return usable;
}

QString noUsableAddressMessage(const QString &host, const QList<QHostAddress> &addresses,
                               const ConnectionOptions &options)
{
    const QString family = familyName(requiredProtocol(options));
    const QString why = options.family == ConnectionOptions::Family::Any
        ? tr("to match the local address %1").arg(options.bindAddress.toString())
        : (options.family == ConnectionOptions::Family::IPv4 ? tr("as -4 asks") : tr("as -6 asks"));
    if (addresses.size() == 1 && addresses.constFirst() == QHostAddress(host))
        return tr("%1 is not an %2 address, %3").arg(host, family, why);
    QStringList names;
    for (const QHostAddress &address : addresses)
        names << address.toString();
    return tr("%1 has no %2 address, %3 (it resolved to %4)").arg(host, family, why, names.join(QLatin1String(", ")));
}

QNetworkProxy proxyFor(const ConnectionOptions &options, const QString &host, quint16 port)
{
    const ProxySettings &settings = options.proxy;
    switch (settings.type) {
    case ProxySettings::Type::None:
        return QNetworkProxy(QNetworkProxy::NoProxy);
    case ProxySettings::Type::Socks5:
        return QNetworkProxy(QNetworkProxy::Socks5Proxy, settings.host, settings.port, settings.user,
                             settings.password);
    case ProxySettings::Type::Http:
        return QNetworkProxy(QNetworkProxy::HttpProxy, settings.host, settings.port, settings.user,
                             settings.password);
    case ProxySettings::Type::System: {
        const QList<QNetworkProxy> proxies = QNetworkProxyFactory::systemProxyForQuery(
            QNetworkProxyQuery(host, port, QString(), QNetworkProxyQuery::TcpSocket));
        for (const QNetworkProxy &proxy : proxies) {
            // The first proxy that can carry a raw TCP stream; "direct" ends the search.
            if (proxy.type() == QNetworkProxy::NoProxy || proxy.type() == QNetworkProxy::DefaultProxy)
                break;
            if (proxy.capabilities() & QNetworkProxy::TunnelingCapability)
                return proxy;
        }
        return QNetworkProxy(QNetworkProxy::NoProxy);
    }
    }
    return QNetworkProxy(QNetworkProxy::NoProxy);
}

bool isProxied(const QNetworkProxy &proxy)
{
    return proxy.type() == QNetworkProxy::Socks5Proxy || proxy.type() == QNetworkProxy::HttpProxy;
}

QString proxyEndpoint(const QNetworkProxy &proxy)
{
    return Session::formatEndpoint(Session::normalizeHost(proxy.hostName()), proxy.port());
}

QString describeProxy(const QNetworkProxy &proxy)
{
    const QString scheme = proxy.type() == QNetworkProxy::Socks5Proxy ? QStringLiteral("socks5") : QStringLiteral("http");
    const QString user = proxy.user().isEmpty() ? QString() : proxy.user() + QLatin1Char('@');
    return scheme + QLatin1String("://") + user + proxyEndpoint(proxy);
}

QString proxyFailureMessage(QAbstractSocket::SocketError error, const QString &qtMessage,
                            const QNetworkProxy &proxy, const QString &target)
{
    const QString name = proxyEndpoint(proxy);
    switch (error) {
    case QAbstractSocket::ProxyConnectionRefusedError:
        return tr("proxy %1 refused the connection: is it running there?").arg(name);
    case QAbstractSocket::ProxyAuthenticationRequiredError:
        return proxy.user().isEmpty() ? tr("proxy %1 requires a user name and password").arg(name)
                                      : tr("proxy %1 refused the user name or password").arg(name);
    case QAbstractSocket::ProxyConnectionClosedError:
        return tr("proxy %1 closed the connection before it reached %2 (%3)").arg(name, target, qtMessage);
    case QAbstractSocket::ProxyConnectionTimeoutError:
        return tr("proxy %1 did not answer in time").arg(name);
    case QAbstractSocket::ProxyNotFoundError:
        return tr("proxy %1 not found (%2)").arg(name, qtMessage);
    case QAbstractSocket::ProxyProtocolError:
        // Qt reports any error status in the answer to CONNECT this way
        // (tinyproxy: "500 Unable to connect"), without the status itself.
        if (proxy.type() == QNetworkProxy::HttpProxy)
            return tr("proxy %1 could not reach %2: its answer to CONNECT was an error (%3)").arg(name, target, qtMessage);
        return tr("proxy %1 answered with a protocol error: %2").arg(name, qtMessage);
    default:
        return tr("proxy %1 could not reach %2: %3").arg(name, target, qtMessage);
    }
}

bool shutdownWrite(qintptr descriptor, QString *error)
{
    if (descriptor >= 0 && ::shutdown(int(descriptor), SHUT_WR) == 0)
        return true;
    if (error)
        *error = descriptor < 0 ? tr("the socket has no descriptor") : QString::fromLocal8Bit(std::strerror(errno));
    return false;
}

} // namespace NetSupport
