#include "connectionoptions.h"

#include <QUrl>

namespace {

QString quoted(const QString &text)
{
    return QLatin1Char('"') + text + QLatin1Char('"');
}

bool parsePort(const QString &text, quint16 *port)
{
    if (text.isEmpty() || text.size() > 5)
        return false;
    int value = 0;
    for (const QChar c : text) {
        if (c.unicode() < u'0' || c.unicode() > u'9')
            return false;
        value = value * 10 + (c.unicode() - u'0');
    }
    if (value < 1 || value > 65535)
        return false;
    *port = static_cast<quint16>(value);
    return true;
}

} // namespace

bool ProxySettings::operator==(const ProxySettings &other) const
{
    return type == other.type && host == other.host && port == other.port && user == other.user
        && password == other.password;
}

std::optional<ProxySettings> ProxySettings::fromUrl(const QString &text, QString *error)
{
    const QUrl url(text, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    ProxySettings proxy;
    if (scheme == QLatin1String("socks5")) {
        proxy.type = Type::Socks5;
    } else if (scheme == QLatin1String("http")) {
        proxy.type = Type::Http;
    } else {
        *error = QStringLiteral("proxy %1 must start with socks5:// or http://").arg(quoted(text));
        return std::nullopt;
    }
    if (!url.isValid() || url.host().isEmpty()) {
        *error = QStringLiteral("proxy %1 has no valid host").arg(quoted(text));
        return std::nullopt;
    }
    if (url.port() < 1) {
        *error = QStringLiteral("proxy %1 needs a port (%2://host:port)").arg(quoted(text), scheme);
        return std::nullopt;
    }
    if ((!url.path().isEmpty() && url.path() != QLatin1String("/")) || url.hasQuery() || url.hasFragment()) {
        *error = QStringLiteral("proxy %1 must be just %2://[user:password@]host:port").arg(quoted(text), scheme);
        return std::nullopt;
    }
    proxy.host = url.host(QUrl::FullyDecoded);
    proxy.port = static_cast<quint16>(url.port());
    proxy.user = url.userName(QUrl::FullyDecoded);
    proxy.password = url.password(QUrl::FullyDecoded);
    return proxy;
}

QString ProxySettings::toUrl(bool withPassword) const
{
    if (type != Type::Socks5 && type != Type::Http)
        return QString();
    QUrl url;
    url.setScheme(type == Type::Socks5 ? QStringLiteral("socks5") : QStringLiteral("http"));
    url.setHost(host);
    url.setPort(port);
    if (!user.isEmpty())
        url.setUserName(user);
    if (withPassword && !password.isEmpty())
        url.setPassword(password);
    return url.toString(QUrl::FullyEncoded);
}

bool TlsSettings::operator==(const TlsSettings &other) const
{
    return enabled == other.enabled && alpn == other.alpn && caFile == other.caFile && certFile == other.certFile
        && keyFile == other.keyFile && keyPassphrase == other.keyPassphrase && pins == other.pins
        && insecure == other.insecure && startTls == other.startTls;
}

std::optional<QByteArray> TlsSettings::parseFingerprint(const QString &text, QString *error)
{
    QString hex = text.trimmed();
    // Colons are allowed only between pairs of digits.
    if (hex.contains(QLatin1Char(':'))) {
        const QStringList pairs = hex.split(QLatin1Char(':'));
        for (const QString &pair : pairs) {
            if (pair.size() != 2) {
                *error = QStringLiteral("fingerprint %1: colons go between pairs of hex digits").arg(quoted(text));
                return std::nullopt;
            }
        }
        hex = pairs.join(QString());
    }
    for (const QChar c : std::as_const(hex)) {
        if (!((c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f') || (c >= u'A' && c <= u'F'))) {
            *error = QStringLiteral("fingerprint %1: %2 is not a hex digit").arg(quoted(text), quoted(QString(c)));
            return std::nullopt;
        }
    }
    if (hex.size() != 64) {
        *error = QStringLiteral("fingerprint %1 has %2 hex digits; a SHA-256 fingerprint has 64")
                     .arg(quoted(text))
                     .arg(hex.size());
        return std::nullopt;
    }
    return QByteArray::fromHex(hex.toLatin1());
}

QString TlsSettings::formatFingerprint(const QByteArray &sha256)
{
    return QString::fromLatin1(sha256.toHex(':').toUpper());
}

bool ConnectionOptions::operator==(const ConnectionOptions &other) const
{
    return transport == other.transport && family == other.family && bindAddress == other.bindAddress
        && bindPort == other.bindPort && halfClose == other.halfClose && proxy == other.proxy && tls == other.tls;
}

ConnectionOptions ConnectionOptions::withoutSecrets() const
{
    ConnectionOptions copy = *this;
    copy.proxy.password.clear();
    copy.tls.keyPassphrase.clear();
    return copy;
}

bool ConnectionOptions::parseBind(const QString &text, QHostAddress *address, quint16 *port, QString *error)
{
    const QString trimmed = text.trimmed();
    QString addressText = trimmed;
    QString portText;
    if (trimmed.startsWith(QLatin1Char('['))) {
        const qsizetype close = trimmed.indexOf(QLatin1Char(']'));
        if (close < 0) {
            *error = QStringLiteral("--bind %1: missing \"]\" after the IPv6 address").arg(quoted(text));
            return false;
        }
        addressText = trimmed.mid(1, close - 1);
        const QString rest = trimmed.mid(close + 1);
        if (!rest.isEmpty()) {
            if (!rest.startsWith(QLatin1Char(':'))) {
                *error = QStringLiteral("--bind %1: expected \":PORT\" after \"]\"").arg(quoted(text));
                return false;
            }
            portText = rest.mid(1);
            if (portText.isEmpty()) {
                *error = QStringLiteral("--bind %1: PORT is missing after \":\"").arg(quoted(text));
                return false;
            }
        }
        if (QHostAddress(addressText).protocol() != QAbstractSocket::IPv6Protocol) {
            *error = QStringLiteral("--bind %1: %2 is not an IPv6 address").arg(quoted(text), quoted(addressText));
            return false;
        }
    } else if (trimmed.count(QLatin1Char(':')) == 1) {
        addressText = trimmed.section(QLatin1Char(':'), 0, 0);
        portText = trimmed.section(QLatin1Char(':'), 1);
        if (portText.isEmpty()) {
            *error = QStringLiteral("--bind %1: PORT is missing after \":\"").arg(quoted(text));
            return false;
        }
    }
    quint16 parsedPort = 0;
    if (!portText.isEmpty() && !parsePort(portText, &parsedPort)) {
        *error = QStringLiteral("--bind %1: PORT must be a whole number from 1 to 65535").arg(quoted(text));
        return false;
    }
    QHostAddress parsedAddress;
    if (!addressText.isEmpty()) {
        parsedAddress = QHostAddress(addressText);
        if (parsedAddress.isNull()) {
            *error = QStringLiteral("--bind %1: %2 is not an IP address (use ADDR, ADDR:PORT, [IPv6]:PORT or :PORT)")
                         .arg(quoted(text), quoted(addressText));
            return false;
        }
    } else if (portText.isEmpty()) {
        *error = QStringLiteral("--bind needs ADDR, ADDR:PORT, [IPv6]:PORT or :PORT");
        return false;
    }
    *address = parsedAddress;
    *port = parsedPort;
    return true;
}

QString ConnectionOptions::formatBind(const QHostAddress &address, quint16 port)
{
    QString host = address.isNull() ? QString() : address.toString();
    if (address.protocol() == QAbstractSocket::IPv6Protocol)
        host = QLatin1Char('[') + host + QLatin1Char(']');
    if (port == 0)
        return host;
    return host + QLatin1Char(':') + QString::number(port);
}
