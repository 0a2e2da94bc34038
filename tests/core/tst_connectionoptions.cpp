#include <QTest>

#include "connectionoptions.h"

class TestConnectionOptions : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void bind_data();
    void bind();
    void proxyUrlRoundTrip_data();
    void proxyUrlRoundTrip();
    void proxyUrlKeepsPasswordOutUnlessAsked();
    void fingerprintFormats();
    void withoutSecretsClearsOnlySecrets();
};

void TestConnectionOptions::bind_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QString>("address");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("formatted");

    QTest::newRow("IPv4") << "127.0.0.1" << true << "127.0.0.1" << 0 << "127.0.0.1";
    QTest::newRow("IPv4 with port") << "127.0.0.1:4000" << true << "127.0.0.1" << 4000 << "127.0.0.1:4000";
    QTest::newRow("IPv6 bare") << "::1" << true << "::1" << 0 << "[::1]";
    QTest::newRow("IPv6 bracketed") << "[::1]" << true << "::1" << 0 << "[::1]";
    QTest::newRow("IPv6 with port") << "[fe80::1]:53" << true << "fe80::1" << 53 << "[fe80::1]:53";
    QTest::newRow("port only") << ":5000" << true << QString() << 5000 << ":5000";
    QTest::newRow("empty") << "" << false << QString() << 0 << QString();
    QTest::newRow("port zero") << "127.0.0.1:0" << false << QString() << 0 << QString();
    QTest::newRow("bracketed IPv4") << "[127.0.0.1]:1" << false << QString() << 0 << QString();
    QTest::newRow("missing bracket") << "[::1:80" << false << QString() << 0 << QString();
    QTest::newRow("colon without port") << "127.0.0.1:" << false << QString() << 0 << QString();
    QTest::newRow("junk after bracket") << "[::1]x" << false << QString() << 0 << QString();
}

void TestConnectionOptions::bind()
{
    QFETCH(QString, text);
    QFETCH(bool, ok);
    QFETCH(QString, address);
    QFETCH(int, port);
    QFETCH(QString, formatted);

    QHostAddress parsedAddress(QStringLiteral("10.9.8.7"));
    quint16 parsedPort = 9;
    QString error;
    QCOMPARE(ConnectionOptions::parseBind(text, &parsedAddress, &parsedPort, &error), ok);
    if (!ok) {
        QVERIFY(!error.isEmpty());
        // Nothing changes on failure.
        QCOMPARE(parsedAddress, QHostAddress(QStringLiteral("10.9.8.7")));
        QCOMPARE(parsedPort, quint16(9));
        return;
    }
    QCOMPARE(parsedAddress, address.isEmpty() ? QHostAddress() : QHostAddress(address));
    QCOMPARE(int(parsedPort), port);
    QCOMPARE(ConnectionOptions::formatBind(parsedAddress, parsedPort), formatted);
}

void TestConnectionOptions::proxyUrlRoundTrip_data()
{
    QTest::addColumn<QString>("url");
    QTest::addRow("socks5") << "socks5://127.0.0.1:1080";
    QTest::addRow("http with user") << "http://me@proxy.example:3128";
    QTest::addRow("IPv6") << "socks5://[::1]:1080";
    QTest::addRow("encoded user") << "socks5://a%40b@h:1";
}

void TestConnectionOptions::proxyUrlRoundTrip()
{
    QFETCH(QString, url);
    QString error;
    const std::optional<ProxySettings> proxy = ProxySettings::fromUrl(url, &error);
    QVERIFY2(proxy, qPrintable(error));
    QCOMPARE(proxy->toUrl(), url);
    QCOMPARE(ProxySettings::fromUrl(proxy->toUrl(), &error), proxy);
}

void TestConnectionOptions::proxyUrlKeepsPasswordOutUnlessAsked()
{
    QString error;
    const std::optional<ProxySettings> proxy = ProxySettings::fromUrl(QStringLiteral("http://u:s%3Acret@h:8080"), &error);
    QVERIFY(proxy);
    QCOMPARE(proxy->password, QStringLiteral("s:cret"));
    QVERIFY(!proxy->toUrl().contains(QStringLiteral("cret")));
    QCOMPARE(ProxySettings::fromUrl(proxy->toUrl(true), &error), proxy);
    QVERIFY(!ProxySettings::fromUrl(QStringLiteral("http://h:8080/path"), &error));
    QVERIFY(!ProxySettings::fromUrl(QStringLiteral("socks5://:1080"), &error));
}

void TestConnectionOptions::fingerprintFormats()
{
    QByteArray digest;
    for (int i = 0; i < 32; ++i)
        digest.append(char(i * 7));
    const QString formatted = TlsSettings::formatFingerprint(digest);
    QCOMPARE(formatted.size(), 32 * 3 - 1);
    QCOMPARE(formatted.left(8), QStringLiteral("00:07:0E"));
    QString error;
    QCOMPARE(TlsSettings::parseFingerprint(formatted, &error), std::optional<QByteArray>(digest));
    QCOMPARE(TlsSettings::parseFingerprint(QString::fromLatin1(digest.toHex()), &error), std::optional<QByteArray>(digest));
    QVERIFY(!TlsSettings::parseFingerprint(formatted.left(formatted.size() - 3), &error));
    QVERIFY(error.contains(QStringLiteral("62 hex digits")));
}

void TestConnectionOptions::withoutSecretsClearsOnlySecrets()
{
    ConnectionOptions options;
    options.proxy.type = ProxySettings::Type::Socks5;
    options.proxy.host = QStringLiteral("h");
    options.proxy.port = 1;
    options.proxy.user = QStringLiteral("u");
    options.proxy.password = QStringLiteral("secret");
    options.tls.enabled = true;
    options.tls.keyFile = QStringLiteral("k.pem");
    options.tls.keyPassphrase = "phrase";
    const ConnectionOptions clean = options.withoutSecrets();
    QVERIFY(clean.proxy.password.isEmpty());
    QVERIFY(clean.tls.keyPassphrase.isEmpty());
    QCOMPARE(clean.proxy.user, options.proxy.user);
    QCOMPARE(clean.tls.keyFile, options.tls.keyFile);
    QVERIFY(clean != options);
    options.proxy.password.clear();
    options.tls.keyPassphrase.clear();
    QVERIFY(clean == options);
}

QTEST_GUILESS_MAIN(TestConnectionOptions)
#include "tst_connectionoptions.moc"
