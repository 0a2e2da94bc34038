// CertificatePanel and CertificateTree after a real TLS handshake with
// `openssl s_server` (certificates made in the test): the session node, one
// node per certificate with every field, the rejection reasons, and Export
// PEM to a private file.
#include <QAction>
#include <QClipboard>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "certificatepanel.h"
#include "certificaterejecteddialog.h"
#include "certificatetree.h"
#include "connectionoptions.h"
#include "fakedialogs.h"
#include "tlstestpeer.h"

class CertificatePanelTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void showsTheHandshake();
    void showsTheRejection();
    void exportsThePeerCertificate();
    void exportFailureIsReported();
    void rejectedDialogShowsReasonsAndFingerprint();

private:
    // A handshake of our own (not the Session's): what the panel is given.
    TlsDetails handshake(quint16 port, QList<TlsProblem> *problems = nullptr);
    QTreeWidgetItem *row(QTreeWidgetItem *node, const QString &field)
    {
        for (int i = 0; i < node->childCount(); ++i) {
            if (node->child(i)->text(0) == field)
                return node->child(i);
        }
        return nullptr;
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    TlsTestPeer::Certificate m_certificate;
    TlsTestPeer::Server m_server;
    FakeDialogs m_dialogs;
};

void CertificatePanelTest::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_certificate = TlsTestPeer::makeSelfSigned(QDir(m_dir->path()), QStringLiteral("server"));
    QVERIFY(!m_certificate.cert.isEmpty());
    QVERIFY(m_server.start(m_certificate, {QStringLiteral("-www"), QStringLiteral("-alpn"), QStringLiteral("h2")}));
}

void CertificatePanelTest::init()
{
    m_dialogs = FakeDialogs();
}

TlsDetails CertificatePanelTest::handshake(quint16 port, QList<TlsProblem> *problems)
{
    QSslSocket socket;
    QSslConfiguration configuration = socket.sslConfiguration();
    configuration.setAllowedNextProtocols({QByteArrayLiteral("h2"), QByteArrayLiteral("http/1.1")});
    socket.setSslConfiguration(configuration);
    QObject::connect(&socket, &QSslSocket::sslErrors, &socket, [&](const QList<QSslError> &errors) {
        if (problems) {
            for (const QSslError &error : errors)
                problems->append(TlsProblem::from(error));
        }
        socket.ignoreSslErrors(errors); // this test's own probe, not the program
    });
    // By address: no dependence on how this machine resolves "localhost".
    socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), port, QStringLiteral("localhost"));
    if (!QTest::qWaitFor([&] { return socket.isEncrypted() || socket.state() == QAbstractSocket::UnconnectedState; },
                         60000)
        || !socket.isEncrypted())
        return {};
    TlsDetails details = TlsDetails::from(socket);
    socket.abort();
    return details;
}

void CertificatePanelTest::showsTheHandshake()
{
    const TlsDetails details = handshake(m_server.port());
    QVERIFY(!details.chain.isEmpty());
    CertificatePanel panel(&m_dialogs);
    QVERIFY(!panel.exportButton()->isEnabled());
    panel.showDetails(details);
    CertificateTree *tree = panel.tree();
    QCOMPARE(tree->topLevelItemCount(), 2); // session, the one certificate

    QTreeWidgetItem *session = tree->topLevelItem(0);
    QCOMPARE(session->text(0), QStringLiteral("Session"));
    QCOMPARE(row(session, QStringLiteral("Protocol"))->text(1), QStringLiteral("TLS 1.3"));
    QVERIFY(row(session, QStringLiteral("Cipher"))->text(1).startsWith(QStringLiteral("TLS_")));
    QCOMPARE(row(session, QStringLiteral("ALPN"))->text(1), QStringLiteral("h2"));

    QTreeWidgetItem *peer = tree->topLevelItem(1);
    QCOMPARE(peer->text(0), QStringLiteral("Certificate 1 (peer)"));
    QCOMPARE(peer->text(1), QStringLiteral("localhost"));
    QVERIFY(peer->isExpanded());
    QVERIFY(row(peer, QStringLiteral("Subject"))->text(1).contains(QStringLiteral("CN=localhost")));
    QVERIFY(row(peer, QStringLiteral("Subject"))->text(1).contains(QStringLiteral("O=Socketeer Test")));
    QVERIFY(row(peer, QStringLiteral("Issuer"))->text(1).contains(QStringLiteral("CN=localhost")));
    const QString from = row(peer, QStringLiteral("Valid from"))->text(1);
    const QString to = row(peer, QStringLiteral("Valid to"))->text(1);
    QVERIFY2(from.endsWith(QStringLiteral(" UTC")) && !from.contains(QStringLiteral("not yet")), qPrintable(from));
    QVERIFY2(to.endsWith(QStringLiteral(" UTC")), qPrintable(to));
    const QDateTime notAfter = QDateTime::fromString(to.left(19), QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    const QDateTime notBefore = QDateTime::fromString(from.left(19), QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    QCOMPARE(notBefore.daysTo(notAfter), 1); // -days 1
    QCOMPARE(row(peer, QStringLiteral("Subject alternative names"))->text(1),
             QStringLiteral("DNS:localhost, IP:127.0.0.1"));
    QCOMPARE(row(peer, QStringLiteral("SHA-256"))->text(1), TlsSettings::formatFingerprint(m_certificate.sha256()));
    QCOMPARE(row(peer, QStringLiteral("Key"))->text(1), QStringLiteral("EC, 256 bits"));
    QCOMPARE(row(peer, QStringLiteral("Self-signed"))->text(1), QStringLiteral("yes"));

    QVERIFY(panel.summaryLabel()->text().startsWith(QStringLiteral("TLS 1.3, TLS_")));
    QVERIFY(panel.summaryLabel()->text().endsWith(QStringLiteral(", ALPN h2")));
    QVERIFY(panel.summaryLabel()->accessibleName().startsWith(QStringLiteral("TLS session: TLS 1.3")));
    QCOMPARE(tree->accessibleName(), QStringLiteral("Certificate chain"));
    QCOMPARE(tree->selectedCertificate(), 0); // the peer's, ready to export
    QVERIFY(panel.exportButton()->isEnabled());
    tree->setCurrentItem(session);
    QCOMPARE(tree->selectedCertificate(), -1);
    QVERIFY(!panel.exportButton()->isEnabled());
    tree->setCurrentItem(row(peer, QStringLiteral("Key")));
    QCOMPARE(tree->selectedCertificate(), 0);
    QVERIFY(panel.exportButton()->isEnabled());

    // The whole fingerprint, however narrow the column.
    tree->setCurrentItem(row(peer, QStringLiteral("SHA-256")));
    tree->copyAction()->trigger();
    QCOMPARE(QGuiApplication::clipboard()->text(), TlsSettings::formatFingerprint(m_certificate.sha256()));

    panel.clear();
    QCOMPARE(tree->topLevelItemCount(), 0);
    QCOMPARE(panel.summaryLabel()->text(), QStringLiteral("No TLS session yet."));
    QVERIFY(!panel.exportButton()->isEnabled());
}

void CertificatePanelTest::showsTheRejection()
{
    QList<TlsProblem> problems;
    const TlsDetails details = handshake(m_server.port(), &problems);
    QVERIFY(!problems.isEmpty());
    CertificatePanel panel(&m_dialogs);
    panel.showRejected(QStringLiteral("localhost:443"), problems, details.chain);
    CertificateTree *tree = panel.tree();
    QTreeWidgetItem *failed = tree->topLevelItem(0);
    QCOMPARE(failed->text(0), QStringLiteral("Verification failed"));
    QCOMPARE(failed->childCount(), problems.size());
    QCOMPARE(failed->child(0)->text(0), QStringLiteral("self-signed"));
    QCOMPARE(failed->child(0)->text(1), problems.constFirst().message);
    QCOMPARE(tree->topLevelItem(1)->text(0), QStringLiteral("Certificate 1 (peer)"));
    QCOMPARE(panel.summaryLabel()->text(),
             QStringLiteral("The certificate of localhost:443 was rejected: self-signed."));
    QVERIFY(panel.exportButton()->isEnabled());
}

void CertificatePanelTest::exportsThePeerCertificate()
{
    const TlsDetails details = handshake(m_server.port());
    QVERIFY(!details.chain.isEmpty());
    CertificatePanel panel(&m_dialogs);
    panel.showDetails(details);
    const QString path = m_dir->filePath(QStringLiteral("exported.pem"));
    m_dialogs.saveChoices.enqueue(Dialogs::FileChoice{path, QString()});
    panel.exportButton()->click();
    QCOMPARE(m_dialogs.saveDialogs, 1);
    QCOMPARE(m_dialogs.saveSuggestedPath, QStringLiteral("localhost.pem"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QSslCertificate> exported = QSslCertificate::fromData(file.readAll(), QSsl::Pem);
    QCOMPARE(exported.size(), 1);
    QCOMPARE(exported.constFirst().digest(QCryptographicHash::Sha256), m_certificate.sha256());
    QCOMPARE(file.permissions() & ~(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadUser
                                    | QFileDevice::WriteUser),
             QFileDevice::Permissions());
    // Cancelled: nothing happens.
    m_dialogs.saveChoices.enqueue(std::nullopt);
    QVERIFY(!panel.exportSelected());
    QVERIFY(m_dialogs.errors.isEmpty());
}

void CertificatePanelTest::exportFailureIsReported()
{
    const TlsDetails details = handshake(m_server.port());
    CertificatePanel panel(&m_dialogs);
    panel.showDetails(details);
    m_dialogs.saveChoices.enqueue(Dialogs::FileChoice{m_dir->filePath(QStringLiteral("no/such/folder/c.pem")), QString()});
    QVERIFY(!panel.exportSelected());
    QCOMPARE(m_dialogs.errors.size(), 1);
    QVERIFY2(m_dialogs.errors.constFirst().contains(QStringLiteral("Cannot write")), qPrintable(m_dialogs.errors.constFirst()));
}

void CertificatePanelTest::rejectedDialogShowsReasonsAndFingerprint()
{
    QList<TlsProblem> problems;
    const TlsDetails details = handshake(m_server.port(), &problems);
    QVERIFY(!problems.isEmpty());
    CertificateRejectedDialog dialog({QStringLiteral("localhost:4433"), problems, details.chain});
    QCOMPARE(dialog.reasonList()->count(), problems.size());
    QCOMPARE(dialog.reasonList()->item(0)->text(),
             QStringLiteral("self-signed: ") + problems.constFirst().message);
    QCOMPARE(dialog.fingerprintField()->text(), TlsSettings::formatFingerprint(m_certificate.sha256()));
    QCOMPARE(dialog.trustButton()->text(), QStringLiteral("&Trust This Certificate for localhost:4433"));
    QVERIFY(dialog.cancelButton()->isDefault()); // Return does not trust by accident
    QCOMPARE(dialog.tree()->topLevelItem(0)->text(0), QStringLiteral("Certificate 1 (peer)"));
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QTest::keyClick(&dialog, Qt::Key_Escape);
    QCOMPARE(dialog.result(), int(QDialog::Rejected));
    CertificateRejectedDialog again({QStringLiteral("localhost:4433"), problems, details.chain});
    again.show();
    again.trustButton()->click();
    QCOMPARE(again.result(), int(QDialog::Accepted));
}

QTEST_MAIN(CertificatePanelTest)
#include "tst_certificatepanel.moc"
