// TransportStatus in the main window: the security field (plain TCP, UDP,
// TLS version) and the proxy field, and UDP in the window: each Send one
// datagram, each received datagram shown with its source.
#include <QLabel>
#include <QPlainTextEdit>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QUdpSocket>
#include <QtTest>

#include "appsettings.h"
#include "fakedialogs.h"
#include "mainwindow.h"
#include "requesteditor.h"
#include "testsupport.h"
#include "transcript.h"
#include "transcriptview.h"
#include "transportstatus.h"

class TransportStatusTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void plainTcp();
    void udpDatagramsWithTheirSource();
    void proxyIsShownAndItsFailureReported();
    void proxyText_data();
    void proxyText();

private:
    std::unique_ptr<MainWindow> makeWindow(const ConnectionOptions &options)
    {
        m_settings = std::make_unique<AppSettings>(m_dir->filePath(QStringLiteral("settings.ini")));
        auto window = std::make_unique<MainWindow>(m_settings.get(), &m_dialogs);
        window->setConnectionOptions(options);
        window->show();
        return window;
    }
    static QLabel *label(MainWindow &window, const char *name)
    {
        return window.findChild<QLabel *>(QString::fromLatin1(name));
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<AppSettings> m_settings;
    FakeDialogs m_dialogs;
};

void TransportStatusTest::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void TransportStatusTest::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_dialogs = FakeDialogs();
}

void TransportStatusTest::cleanup()
{
    QCOMPARE(m_dialogs.unexpected, 0);
    m_settings.reset();
}

void TransportStatusTest::plainTcp()
{
    TestSupport::LoopbackServer server;
    QVERIFY(server.listenLocal());
    auto window = makeWindow(ConnectionOptions());
    QLabel *security = label(*window, "statusSecurity");
    QVERIFY(security);
    QCOMPARE(security->text(), QStringLiteral("Not connected"));
    QVERIFY(label(*window, "statusProxy")->isHidden());
    window->setEndpoint(QStringLiteral("127.0.0.1"), server.serverPort());
    QVERIFY(window->connectToHost());
    QTRY_COMPARE_WITH_TIMEOUT(window->session()->state(), Session::State::Connected, 30000);
    QCOMPARE(security->text(), QStringLiteral("Plain TCP"));
    QCOMPARE(security->accessibleName(), QStringLiteral("Security: Plain TCP"));
    QVERIFY(label(*window, "statusProxy")->isHidden());
}

void TransportStatusTest::udpDatagramsWithTheirSource()
{
    QUdpSocket echo;
    QVERIFY(echo.bind(QHostAddress::LocalHost, 0));
    QList<QByteArray> seen;
    connect(&echo, &QUdpSocket::readyRead, &echo, [&] {
        while (echo.hasPendingDatagrams()) {
            QHostAddress from;
            quint16 port = 0;
            QByteArray datagram(int(echo.pendingDatagramSize()), '\0');
            echo.readDatagram(datagram.data(), datagram.size(), &from, &port);
            seen << datagram;
            echo.writeDatagram(QByteArray("echo:") + datagram, from, port);
        }
    });
    ConnectionOptions options;
    options.transport = ConnectionOptions::Transport::Udp;
    auto window = makeWindow(options);
    window->setEndpoint(QStringLiteral("127.0.0.1"), echo.localPort());
    QVERIFY(window->connectToHost());
    QTRY_COMPARE_WITH_TIMEOUT(window->session()->state(), Session::State::Connected, 30000);
    QCOMPARE(label(*window, "statusSecurity")->text(), QStringLiteral("UDP"));

    window->requestEditor()->setLineEnding(RequestCodec::LineEnding::None);
    for (const QString &text : {QStringLiteral("one"), QStringLiteral("two")}) {
        window->requestEditor()->editor()->setPlainText(text);
        QVERIFY(window->sendRequest());
        QVERIFY2(window->statusBar()->currentMessage().startsWith(QStringLiteral("Sent a datagram of")),
                 qPrintable(window->statusBar()->currentMessage()));
    }
    QTRY_COMPARE_WITH_TIMEOUT(seen, (QList<QByteArray>{"one", "two"}), 30000); // one datagram per Send
    QTRY_COMPARE_WITH_TIMEOUT(window->session()->bytesReceived(), qint64(16), 30000);
    window->transcriptView()->flush();
    const QString text = window->transcriptView()->allText();
    const QString source = QStringLiteral("<(127.0.0.1:%1) ").arg(echo.localPort());
    QVERIFY2(text.contains(source + QStringLiteral("echo:one")), qPrintable(text));
    QVERIFY2(text.contains(source + QStringLiteral("echo:two")), qPrintable(text));
}

void TransportStatusTest::proxyIsShownAndItsFailureReported()
{
    ConnectionOptions options;
    options.proxy.type = ProxySettings::Type::Socks5;
    options.proxy.host = QStringLiteral("127.0.0.1");
    options.proxy.port = TestSupport::closedPort();
    auto window = makeWindow(options);
    window->setEndpoint(QStringLiteral("127.0.0.1"), 9);
    QVERIFY(window->connectToHost());
    QLabel *proxy = label(*window, "statusProxy");
    const QString expected = QStringLiteral("via SOCKS5 127.0.0.1:%1").arg(options.proxy.port);
    QCOMPARE(proxy->text(), expected);
    QCOMPARE(proxy->accessibleName(), QStringLiteral("Proxy: ") + expected);
    QVERIFY(proxy->isVisible());
    QTRY_COMPARE_WITH_TIMEOUT(window->session()->state(), Session::State::Closed, 30000);
    QCOMPARE(window->session()->error(), Session::Error::ProxyFailed);
    QVERIFY2(window->statusBar()->currentMessage().contains(QStringLiteral("proxy"), Qt::CaseInsensitive),
             qPrintable(window->statusBar()->currentMessage()));
}

void TransportStatusTest::proxyText_data()
{
    QTest::addColumn<ProxySettings>("proxy");
    QTest::addColumn<QString>("expected");
    ProxySettings none;
    QTest::newRow("none") << none << QString();
    ProxySettings system;
    system.type = ProxySettings::Type::System;
    QTest::newRow("system") << system << QStringLiteral("via system proxy");
    ProxySettings http;
    http.type = ProxySettings::Type::Http;
    http.host = QStringLiteral("::1");
    http.port = 3128;
    http.password = QStringLiteral("never shown");
    QTest::newRow("http v6") << http << QStringLiteral("via HTTP proxy [::1]:3128");
}

void TransportStatusTest::proxyText()
{
    QFETCH(ProxySettings, proxy);
    QFETCH(QString, expected);
    QCOMPARE(TransportStatus::proxyText(proxy), expected);
}

QTEST_MAIN(TransportStatusTest)
#include "tst_transportstatus.moc"
