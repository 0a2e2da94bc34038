#pragma once

#include <optional>

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QString>
#include <QStringList>

// How a Session reaches its peer: transport, addresses, proxy and TLS. Plain
// values, filled from the command line or the window's settings; the
// session copies them at connectToHost().
//
// Secrets (proxy password, key passphrase) live here for the session only;
// whoever persists these options must leave them out (see
// ConnectionOptions::withoutSecrets()).

struct ProxySettings {
    enum class Type {
        None,   // connect directly, ignoring any system proxy
        System, // whatever the system says (QNetworkProxyFactory::systemProxyForQuery)
        Socks5,
        Http,   // HTTP CONNECT
    };
    Type type = Type::None;
    QString host;
    quint16 port = 0;
    QString user;
    QString password; // secret

    bool operator==(const ProxySettings &other) const;
    bool operator!=(const ProxySettings &other) const { return !(*this == other); }

    // "socks5://[user:pass@]host:port" or "http://[user:pass@]host:port"
    // (user and password percent-encoded; IPv6 host in brackets). nullopt
    // with *error set to a one-line message on anything else.
    static std::optional<ProxySettings> fromUrl(const QString &url, QString *error);
    // The URL form; the password only when `withPassword`.
    QString toUrl(bool withPassword = false) const;
};

struct TlsSettings {
    enum class StartTls {
        None,
        Smtp, // EHLO, STARTTLS, then the handshake (openssl s_client -starttls smtp)
    };

    bool enabled = false;        // TLS from the first byte (or after StartTls)
    QStringList alpn;            // protocols to offer, in order; empty = no ALPN
    QString caFile;              // PEM; added to the system's trusted CAs
    QString certFile;            // client certificate (PEM)
    QString keyFile;             // its private key (PEM, maybe encrypted)
    QByteArray keyPassphrase;    // secret
    QList<QByteArray> pins;      // SHA-256 digests (32 bytes): accept exactly these, refuse others
    bool insecure = false;       // accept any certificate (command line only, warned about)
    StartTls startTls = StartTls::None;

    bool operator==(const TlsSettings &other) const;
    bool operator!=(const TlsSettings &other) const { return !(*this == other); }

    // 64 hex digits, upper or lower case, colons between pairs optional.
    // Returns the 32 bytes, or nullopt with *error set.
    static std::optional<QByteArray> parseFingerprint(const QString &text, QString *error);
    // "AB:CD:..." (upper case, colon-separated), the form certificate viewers show.
    static QString formatFingerprint(const QByteArray &sha256);
};

struct ConnectionOptions {
    enum class Transport { Tcp, Udp };
    enum class Family { Any, IPv4, IPv6 }; // -4 / -6: which resolved addresses to try

    Transport transport = Transport::Tcp;
    Family family = Family::Any;
    QHostAddress bindAddress; // null = any
    quint16 bindPort = 0;     // 0 = any
    bool halfClose = false;   // TCP: shutdown(SHUT_WR) once the request is written
    ProxySettings proxy;
    TlsSettings tls;

    bool operator==(const ConnectionOptions &other) const;
    bool operator!=(const ConnectionOptions &other) const { return !(*this == other); }

    // A copy with the proxy password and key passphrase cleared.
    ConnectionOptions withoutSecrets() const;

    // "ADDR", "ADDR:PORT", "[V6]", "[V6]:PORT" or ":PORT" (any address).
    // ADDR must be an IP address literal. false with *error set otherwise.
    static bool parseBind(const QString &text, QHostAddress *address, quint16 *port, QString *error);
    static QString formatBind(const QHostAddress &address, quint16 port);
};
