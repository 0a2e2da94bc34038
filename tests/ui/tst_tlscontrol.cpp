// TlsControl in the main window, against real TLS peers on loopback
// (openssl s_server, and a STARTTLS server of the test's own) with
// certificates made in the test: the certificate panel after a handshake,
// trust by fingerprint after a rejection (and its revocation), Start TLS,
// and plain text injected before an SMTP STARTTLS upgrade discarded and
// reported.
#include <QAction>
#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QToolButton>
#include <QTreeWidget>
#include <QtTest>

#include "appsettings.h"
#include "certificatepanel.h"
#include "certificatetree.h"
#include "connectionbar.h"
#include "connectionsetup.h"
#include "fakedialogs.h"
#include "mainwindow.h"
#include "requesteditor.h"
#include "tlscontrol.h"
#include "testsupport.h"
#include "tlstestpeer.h"
#include "transcript.h"
#include "transcriptview.h"
#include "trustedcertificatesdialog.h"

class TlsControlTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void certificatePanelAfterHandshake();
    void trustByFingerprint();
    void declinedTrustStaysDisconnected();
    void revokedCertificateIsRejectedAgain();
    void startTlsUpgradesThePlainConnection();
    void smtpStartTlsDiscardsInjectedPlainText();
    void encryptedClientKeyAsksForThePassphrase();

private:
    std::unique_ptr<MainWindow> makeWindow();
    void setOptions(MainWindow &window, const std::function<void(ConnectionOptions &)> &change);
    void typeEndpoint(MainWindow &window, const QString &host, quint16 port);
    static QString status(MainWindow &window) { return window.statusBar()->currentMessage(); }
    static QLabel *securityLabel(MainWindow &window)
    {
        return window.findChild<QLabel *>(QStringLiteral("statusSecurity"));
    }
    static bool transcriptHas(const Transcript &transcript, const QString &event, QString *detail = nullptr)
    {
        for (qint64 i = 0; i < transcript.entryCount(); ++i) {
            const Transcript::Entry entry = transcript.entry(i);
            if (entry.kind == Transcript::Kind::Event && entry.event == event) {
                if (detail)
                    *detail = entry.detail;
                return true;
            }
        }
        return false;
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<AppSettings> m_settings;
    FakeDialogs m_dialogs;
    TlsTestPeer::Certificate m_certificate;
};

void TlsControlTest::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QTest::failOnWarning(QRegularExpression(QStringLiteral("^(?!This plugin does not support propagateSizeHints).*")));
}

void TlsControlTest::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_dialogs = FakeDialogs();
    m_certificate = TlsTestPeer::makeSelfSigned(QDir(m_dir->path()), QStringLiteral("server"));
    QVERIFY(!m_certificate.cert.isEmpty());
}

void TlsControlTest::cleanup()
{
    QCOMPARE(m_dialogs.unexpected, 0);
    m_settings.reset();
}

std::unique_ptr<MainWindow> TlsControlTest::makeWindow()
{
    m_settings = std::make_unique<AppSettings>(m_dir->filePath(QStringLiteral("settings.ini")));
    // The unsaved-data questions are asked with autosave off (see tst_historycontrol).
    m_settings->setAutosave(false);
    auto window = std::make_unique<MainWindow>(m_settings.get(), &m_dialogs);
    // "localhost" is 127.0.0.1 here, whatever this machine's hosts file says.
    window->session()->setResolver([](const QString &host) {
        return host == QLatin1String("localhost") ? QList<QHostAddress>{QHostAddress(QHostAddress::LocalHost)}
                                                  : QList<QHostAddress>{};
    });
    window->show();
    return window;
}

void TlsControlTest::setOptions(MainWindow &window, const std::function<void(ConnectionOptions &)> &change)
{
    ConnectionOptions options = window.connectionSetup()->options();
    change(options);
    window.setConnectionOptions(options);
}

void TlsControlTest::typeEndpoint(MainWindow &window, const QString &host, quint16 port)
{
    window.setEndpoint(host, port);
    QCOMPARE(window.connectionBar()->host(), host);
    QCOMPARE(window.connectionBar()->portBox()->value(), int(port));
}

void TlsControlTest::certificatePanelAfterHandshake()
{
    TlsTestPeer::Server server;
    QVERIFY(server.start(m_certificate, {QStringLiteral("-www"), QStringLiteral("-alpn"), QStringLiteral("h2")}));
    auto window = makeWindow();
    setOptions(*window, [this](ConnectionOptions &options) {
        options.tls.enabled = true;
        options.tls.caFile = m_certificate.cert; // self-signed: its own CA
        options.tls.alpn = {QStringLiteral("h2"), QStringLiteral("http/1.1")};
    });
    QCOMPARE(window->connectionSetup()->summaryButton()->text(), QStringLiteral("TLS"));
    QVERIFY(window->certificateDock()->isHidden());
    typeEndpoint(*window, QStringLiteral("localhost"), server.port());
    window->connectionBar()->connectAction()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(window->session()->state(), Session::State::Connected, 30000);

    QVERIFY(window->certificateDock()->isVisible());
    CertificateTree *tree = window->certificatePanel()->tree();
    QCOMPARE(tree->topLevelItemCount(), 2);
    QTreeWidgetItem *session = tree->topLevelItem(0);
    QCOMPARE(session->child(0)->text(1), QStringLiteral("TLS 1.3"));
    QCOMPARE(session->child(2)->text(0), QStringLiteral("ALPN"));
    QCOMPARE(session->child(2)->text(1), QStringLiteral("h2"));
    QTreeWidgetItem *peer = tree->topLevelItem(1);
    QCOMPARE(peer->text(1), QStringLiteral("localhost"));
    bool fingerprintShown = false;
    for (int i = 0; i < peer->childCount(); ++i) {
        if (peer->child(i)->text(0) == QStringLiteral("SHA-256"))
            fingerprintShown = peer->child(i)->text(1) == TlsSettings::formatFingerprint(m_certificate.sha256());
    }
    QVERIFY(fingerprintShown);
    QCOMPARE(securityLabel(*window)->text(), QStringLiteral("TLS 1.3"));
    QCOMPARE(securityLabel(*window)->accessibleName(), QStringLiteral("Security: TLS 1.3"));
    QVERIFY2(status(*window).startsWith(QStringLiteral("TLS 1.3 established")), qPrintable(status(*window)));
    QVERIFY(!window->tlsControl()->startTlsAction()->isEnabled()); // already encrypted
    QVERIFY(transcriptHas(*window->session()->transcript(), TranscriptEvent::tlsHandshake()));

    // Data flows over TLS: s_server -www answers a GET with a page.
    window->requestEditor()->editor()->setPlainText(QStringLiteral("GET / HTTP/1.0\n\n"));
    QVERIFY(window->sendRequest());
    QTRY_VERIFY_WITH_TIMEOUT(window->session()->bytesReceived() > 0, 30000);

    // A new connection starts with an empty panel.
    window->disconnectFromHost();
    QTRY_COMPARE_WITH_TIMEOUT(window->session()->state(), Session::State::Closed, 30000);
    m_dialogs.unsavedAnswers.enqueue(Dialogs::UnsavedAnswer::Discard);
    setOptions(*window, [](ConnectionOptions &options) { options.tls = TlsSettings(); });
    typeEndpoint(*window, QStringLiteral("127.0.0.1"), TestSupport::closedPort());
    QVERIFY(window->connectToHost());
    QCOMPARE(tree->topLevelItemCount(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(window->session()->state(), Session::State::Closed, 30000);
}

void TlsControlTest::trustByFingerprint()
{
    TlsTestPeer::Server server;
    QVERIFY(server.start(m_certificate));
    auto window = makeWindow();
    setOptions(*window, [](ConnectionOptions &options) { options.tls.enabled = true; });
    typeEndpoint(*window, QStringLiteral("localhost"), server.port());
    const QString endpoint = QStringLiteral("localhost:%1").arg(server.port());

    QSignalSpy states(window->session(), &Session::stateChanged);
    m_dialogs.trustAnswers.enqueue(true);
    QVERIFY(window->connectToHost());
    // Rejected, shown, asked; trusted, then connected again, verified by the pin.
    QTRY_COMPARE_WITH_TIMEOUT(m_dialogs.rejections.size(), 1, 30000);
    const Dialogs::CertificateRejection &rejection = m_dialogs.rejections.constFirst();
    QCOMPARE(rejection.endpoint, endpoint);
    QVERIFY(!rejection.problems.isEmpty());
    bool selfSigned = false;
    for (const TlsProblem &problem : rejection.problems) {
        selfSigned = selfSigned || problem.kind == TlsProblem::Kind::SelfSigned;
        QVERIFY(!problem.message.isEmpty());
    }
    QVERIFY(selfSigned);
    QCOMPARE(rejection.chain.constFirst().sha256, m_certificate.sha256());
    QTRY_COMPARE_WITH_TIMEOUT(window->session()->state(), Session::State::Connected, 30000);
    QVERIFY(window->session()->isEncrypted());
    QCOMPARE(window->session()->error(), Session::Error::None);
    QVERIFY(transcriptHas(*window->session()->transcript(), TranscriptEvent::tlsPinned()));
    QCOMPARE(window->certificatePanel()->tree()->topLevelItem(0)->text(0), QStringLiteral("Session"));

    // Remembered: in memory, and in the file another reader sees.
    QCOMPARE(m_settings->trustedFingerprints(endpoint), QList<QByteArray>{m_certificate.sha256()});
    AppSettings reread(m_settings->fileName());
    QCOMPARE(reread.trustedCertificates().size(), 1);
    QCOMPARE(reread.trustedCertificates().constFirst().subject, QStringLiteral("localhost"));
    QFile file(m_settings->fileName());
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(file.readAll().contains(TlsSettings::formatFingerprint(m_certificate.sha256()).toLatin1()));
    // ...and only for that endpoint: the name "127.0.0.1" is another one.
    QVERIFY(m_settings->trustedFingerprints(QStringLiteral("127.0.0.1:%1").arg(server.port())).isEmpty());
    QCOMPARE(m_dialogs.trustAnswers.size(), 0);
}

void TlsControlTest::declinedTrustStaysDisconnected()
{
    TlsTestPeer::Server server;
    QVERIFY(server.start(m_certificate));
    auto window = makeWindow();
    setOptions(*window, [](ConnectionOptions &options) { options.tls.enabled = true; });
    typeEndpoint(*window, QStringLiteral("localhost"), server.port());
    m_dialogs.trustAnswers.enqueue(false);
    QSignalSpy started(window->session(), &Session::transcriptStarted);
    QVERIFY(window->connectToHost());
    QTRY_COMPARE_WITH_TIMEOUT(m_dialogs.rejections.size(), 1, 30000);
    QCOMPARE(window->session()->state(), Session::State::Closed);
    QCOMPARE(window->session()->error(), Session::Error::CertificateRejected);
    QCOMPARE(started.size(), 1); // no second attempt
    QVERIFY(m_settings->trustedCertificates().isEmpty());
    // The reasons stay in the panel and the status bar.
    QVERIFY(window->certificateDock()->isVisible());
    QCOMPARE(window->certificatePanel()->tree()->topLevelItem(0)->text(0), QStringLiteral("Verification failed"));
    QVERIFY(window->certificatePanel()->summaryLabel()->text().contains(QStringLiteral("self-signed")));
    QCOMPARE(securityLabel(*window)->text(), QStringLiteral("Certificate rejected"));
    QVERIFY2(!status(*window).isEmpty(), "the rejection is in the status bar");
}

void TlsControlTest::revokedCertificateIsRejectedAgain()
{
    TlsTestPeer::Server server;
    QVERIFY(server.start(m_certificate));
    auto window = makeWindow();
    const QString endpoint = QStringLiteral("localhost:%1").arg(server.port());
    window->tlsControl()->trust(endpoint, CertificateInfo::from(QSslCertificate::fromPath(m_certificate.cert).constFirst()));
    setOptions(*window, [](ConnectionOptions &options) { options.tls.enabled = true; });
    typeEndpoint(*window, QStringLiteral("localhost"), server.port());
    QVERIFY(window->connectToHost());
    QTRY_COMPARE_WITH_TIMEOUT(window->session()->state(), Session::State::Connected, 30000);
    QVERIFY(m_dialogs.rejections.isEmpty()); // trusted: nothing asked
    window->disconnectFromHost();
    QTRY_COMPARE_WITH_TIMEOUT(window->session()->state(), Session::State::Closed, 30000);

    // Connection > Trusted Certificates..., select, Revoke.
    window->tlsControl()->trustedAction()->trigger();
    auto *dialog = window->findChild<TrustedCertificatesDialog *>();
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    QCOMPARE(dialog->list()->topLevelItemCount(), 1);
    QCOMPARE(dialog->list()->topLevelItem(0)->text(0), endpoint);
    dialog->list()->setCurrentItem(dialog->list()->topLevelItem(0));
    dialog->revokeButton()->click();
    QCOMPARE(dialog->list()->topLevelItemCount(), 0);
    QVERIFY2(status(*window).startsWith(QStringLiteral("No longer trusted for ") + endpoint), qPrintable(status(*window)));
    dialog->close();
    QVERIFY(m_settings->trustedCertificates().isEmpty());

    m_dialogs.trustAnswers.enqueue(false);
    QVERIFY(window->connectToHost());
    QTRY_COMPARE_WITH_TIMEOUT(m_dialogs.rejections.size(), 1, 30000);
    QCOMPARE(window->session()->error(), Session::Error::CertificateRejected);
}

void TlsControlTest::startTlsUpgradesThePlainConnection()
{
    TlsTestPeer::StartTlsServer server(m_certificate);
    QVERIFY(server.start());
    auto window = makeWindow();
    setOptions(*window, [this](ConnectionOptions &options) { options.tls.caFile = m_certificate.cert; });
    typeEndpoint(*window, QStringLiteral("localhost"), server.serverPort());
    QAction *startTls = window->tlsControl()->startTlsAction();
    QVERIFY(!startTls->isEnabled());
    QCOMPARE(startTls->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T));
    QVERIFY(window->connectToHost());
    QTRY_COMPARE_WITH_TIMEOUT(window->session()->state(), Session::State::Connected, 30000);
    QTRY_VERIFY_WITH_TIMEOUT(window->session()->bytesReceived() > 0, 30000); // the 220 greeting
    QVERIFY(startTls->isEnabled());
    QCOMPARE(securityLabel(*window)->text(), QStringLiteral("Plain TCP"));

    // Counted before sending: the reply may arrive as soon as the server
    // has the command.
    const qint64 before = window->session()->bytesReceived();
    window->requestEditor()->editor()->setPlainText(QStringLiteral("STARTTLS\n"));
    QVERIFY(window->sendRequest());
    QTRY_VERIFY_WITH_TIMEOUT(server.plainReceived.contains("STARTTLS"), 30000);
    QTRY_VERIFY_WITH_TIMEOUT(window->session()->bytesReceived() > before, 30000); // "220 Ready to start TLS"

    QTest::keyClick(window.get(), Qt::Key_T, Qt::ControlModifier | Qt::ShiftModifier);
    QVERIFY(!startTls->isEnabled()); // once
    QTRY_VERIFY_WITH_TIMEOUT(window->session()->isEncrypted(), 30000);
    QTRY_COMPARE_WITH_TIMEOUT(window->session()->state(), Session::State::Connected, 30000);
    QVERIFY2(status(*window).startsWith(QStringLiteral("Upgraded to TLS 1.3")), qPrintable(status(*window)));
    QCOMPARE(securityLabel(*window)->text(), QStringLiteral("TLS 1.3"));
    QVERIFY(window->certificateDock()->isVisible());
    QCOMPARE(window->certificatePanel()->tree()->topLevelItem(1)->text(1), QStringLiteral("localhost"));
    QVERIFY(!startTls->isEnabled());
    QVERIFY(transcriptHas(*window->session()->transcript(), TranscriptEvent::tlsHandshake()));

    // What is sent now goes inside TLS.
    window->requestEditor()->editor()->setPlainText(QStringLiteral("EHLO secret\n"));
    QVERIFY(window->sendRequest());
    QTRY_VERIFY_WITH_TIMEOUT(server.encryptedReceived.contains("EHLO secret"), 30000);
    QVERIFY(!server.plainReceived.contains("secret"));
}

void TlsControlTest::smtpStartTlsDiscardsInjectedPlainText()
{
    TlsTestPeer::StartTlsServer server(m_certificate);
    server.injection = "250 INJECTED\r\n";
    QVERIFY(server.start());
    auto window = makeWindow();
    setOptions(*window, [this](ConnectionOptions &options) {
        options.tls.enabled = true;
        options.tls.startTls = TlsSettings::StartTls::Smtp;
        options.tls.caFile = m_certificate.cert;
    });
    QCOMPARE(window->connectionSetup()->summaryButton()->text(), QStringLiteral("STARTTLS"));
    typeEndpoint(*window, QStringLiteral("localhost"), server.serverPort());
    QSignalSpy encrypted(window->session(), &Session::encrypted);
    QVERIFY(window->connectToHost());
    QTRY_COMPARE_WITH_TIMEOUT(window->session()->state(), Session::State::Connected, 30000);
    QCOMPARE(encrypted.size(), 1);
    QVERIFY(window->session()->isEncrypted());

    // Discarded, recorded and reported; never shown as received data.
    QString detail;
    QVERIFY(transcriptHas(*window->session()->transcript(), TranscriptEvent::plaintextDiscarded(), &detail));
    QVERIFY2(detail.contains(QStringLiteral("14")), qPrintable(detail));
    QVERIFY2(status(*window).contains(QStringLiteral("Not trusted: ")) && status(*window).contains(QStringLiteral("14")),
             qPrintable(status(*window)));
    window->transcriptView()->flush();
    const QString shown = window->transcriptView()->allText();
    QVERIFY(!shown.contains(QStringLiteral("< 250 INJECTED")));
    QVERIFY(shown.contains(QStringLiteral("discarded")));
    QVERIFY(!window->tlsControl()->startTlsAction()->isEnabled());
    QCOMPARE(securityLabel(*window)->text(), QStringLiteral("TLS 1.3"));
}

void TlsControlTest::encryptedClientKeyAsksForThePassphrase()
{
    const TlsTestPeer::Certificate client = TlsTestPeer::makeSelfSigned(
        QDir(m_dir->path()), QStringLiteral("client"), QStringLiteral("client"), QStringLiteral("DNS:client"), "sesame");
    QVERIFY(!client.cert.isEmpty());
    TlsTestPeer::Server server;
    // -Verify: a client certificate is required, checked against client.crt.
    QVERIFY(server.start(m_certificate, {QStringLiteral("-www"), QStringLiteral("-Verify"), QStringLiteral("1"),
                                         QStringLiteral("-CAfile"), client.cert}));
    auto window = makeWindow();
    setOptions(*window, [&](ConnectionOptions &options) {
        options.tls.enabled = true;
        options.tls.caFile = m_certificate.cert;
        options.tls.certFile = client.cert;
        options.tls.keyFile = client.key;
    });
    typeEndpoint(*window, QStringLiteral("localhost"), server.port());
    m_dialogs.passphraseAnswers.enqueue(std::nullopt);
    QVERIFY(!window->connectToHost()); // cancelled: nothing sent
    QCOMPARE(window->session()->state(), Session::State::Idle);
    QCOMPARE(status(*window), QStringLiteral("Not connected: no passphrase for the client key."));

    m_dialogs.passphraseAnswers.enqueue(QByteArray("wrong"));
    m_dialogs.passphraseAnswers.enqueue(QByteArray("sesame"));
    QVERIFY(window->connectToHost());
    QCOMPARE(m_dialogs.passphrasePrompts.size(), 3);
    QTRY_COMPARE_WITH_TIMEOUT(window->session()->state(), Session::State::Connected, 30000);
    window->requestEditor()->editor()->setPlainText(QStringLiteral("GET / HTTP/1.0\n\n"));
    QVERIFY(window->sendRequest());
    QTRY_VERIFY_WITH_TIMEOUT(window->session()->bytesReceived() > 0, 30000);
    QCOMPARE(window->session()->error(), Session::Error::None);
}

QTEST_MAIN(TlsControlTest)
#include "tst_tlscontrol.moc"
