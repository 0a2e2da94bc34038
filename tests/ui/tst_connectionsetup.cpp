// ConnectionSetup: options saved without secrets (the settings file read
// back byte by byte), trusted fingerprints added as pins for their host and
// port only, an encrypted client key's passphrase asked for (again when
// wrong) and kept for the run only, the summary button and the dialog.
#include <QAction>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLineEdit>
#include <QPushButton>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QToolButton>
#include <QtTest>

#include "appsettings.h"
#include "connectionoptionsdialog.h"
#include "connectionsetup.h"
#include "fakedialogs.h"
#include "tlstestpeer.h"

class ConnectionSetupTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void savedWithoutSecrets();
    void unreadableSettingsFallBack();
    void trustedFingerprintsBecomePins();
    void unencryptedKeyAsksNothing();
    void encryptedKeyAsksForThePassphrase();
    void wrongPassphraseAsksAgainThenFails();
    void cancelledPassphraseDoesNotConnect();
    void unreadableKeyIsReported();
    void summaryButtonOpensTheDialog();

private:
    QString settingsPath() const { return m_dir->filePath(QStringLiteral("settings.ini")); }
    std::unique_ptr<QTemporaryDir> m_dir;
    FakeDialogs m_dialogs;
    QWidget m_window;
};

void ConnectionSetupTest::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void ConnectionSetupTest::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_dialogs = FakeDialogs();
}

void ConnectionSetupTest::savedWithoutSecrets()
{
    ConnectionOptions options;
    options.family = ConnectionOptions::Family::IPv4;
    options.bindAddress = QHostAddress(QStringLiteral("127.0.0.1"));
    options.bindPort = 40000;
    options.halfClose = true;
    options.proxy.type = ProxySettings::Type::Socks5;
    options.proxy.host = QStringLiteral("127.0.0.1");
    options.proxy.port = 1080;
    options.proxy.user = QStringLiteral("alice");
    options.proxy.password = QStringLiteral("Pr0xyPassw0rd");
    options.tls.enabled = true;
    options.tls.alpn = QStringList{QStringLiteral("h2")};
    options.tls.caFile = QStringLiteral("/etc/ca.pem");
    options.tls.certFile = QStringLiteral("/etc/c.pem");
    options.tls.keyFile = QStringLiteral("/etc/k.pem");
    options.tls.keyPassphrase = "KeyPassphr4se";
    options.tls.pins = {QByteArray(32, '\x42')};
    {
        AppSettings settings(settingsPath());
        ConnectionSetup setup(&settings, &m_dialogs, &m_window);
        setup.setOptions(options);
        setup.save();
        QVERIFY(settings.sync());
        // The secrets stay for this run.
        QCOMPARE(setup.options().proxy.password, QStringLiteral("Pr0xyPassw0rd"));
        QCOMPARE(setup.options().tls.keyPassphrase, QByteArray("KeyPassphr4se"));
    }
    QFile file(settingsPath());
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray bytes = file.readAll();
    QVERIFY(bytes.contains("alice"));
    QVERIFY(!bytes.contains("Pr0xyPassw0rd"));
    QVERIFY(!bytes.contains("KeyPassphr4se"));
    QVERIFY(!bytes.toLower().contains("password"));
    QVERIFY(!bytes.toLower().contains("passphrase"));
    QVERIFY(!bytes.contains("42:42:42")); // --trust pins are for one run
    QVERIFY(!bytes.contains("4242424242"));
    QCOMPARE(file.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther), QFileDevice::Permissions());

    AppSettings reread(settingsPath());
    ConnectionSetup setup(&reread, &m_dialogs, &m_window);
    setup.load();
    ConnectionOptions expected = options.withoutSecrets();
    expected.tls.pins.clear();
    QCOMPARE(setup.options(), expected);
}

void ConnectionSetupTest::unreadableSettingsFallBack()
{
    {
        QSettings raw(settingsPath(), QSettings::IniFormat);
        raw.setValue(QStringLiteral("options/transport"), QStringLiteral("carrier-pigeon"));
        raw.setValue(QStringLiteral("options/bind"), QStringLiteral("not an address"));
        raw.setValue(QStringLiteral("proxy/type"), QStringLiteral("gopher"));
        raw.setValue(QStringLiteral("proxy/port"), 99999);
        raw.setValue(QStringLiteral("tls/startTls"), QStringLiteral("imap"));
    }
    AppSettings settings(settingsPath());
    QCOMPARE(settings.connectionOptions(), ConnectionOptions());
}

void ConnectionSetupTest::trustedFingerprintsBecomePins()
{
    AppSettings settings(settingsPath());
    const QByteArray a(32, '\x01'), b(32, '\x02'), c(32, '\x03');
    settings.setTrustedCertificates({{QStringLiteral("localhost:443"), a, QStringLiteral("a"), QDateTime()},
                                     {QStringLiteral("[::1]:8443"), b, QStringLiteral("b"), QDateTime()},
                                     {QStringLiteral("localhost:444"), c, QStringLiteral("c"), QDateTime()}});
    ConnectionSetup setup(&settings, &m_dialogs, &m_window);
    QString whyNot;
    QCOMPARE(setup.prepare(QStringLiteral("localhost"), 443, &whyNot)->tls.pins, QList<QByteArray>{a});
    QCOMPARE(setup.prepare(QStringLiteral("LOCALHOST"), 443, &whyNot)->tls.pins, QList<QByteArray>{a});
    QCOMPARE(setup.prepare(QStringLiteral("[::1]"), 8443, &whyNot)->tls.pins, QList<QByteArray>{b});
    QCOMPARE(setup.prepare(QStringLiteral("::1"), 8443, &whyNot)->tls.pins, QList<QByteArray>{b});
    QVERIFY(setup.prepare(QStringLiteral("127.0.0.1"), 443, &whyNot)->tls.pins.isEmpty());
    // Pins from the command line stay, once each.
    ConnectionOptions options;
    options.tls.pins = {c, a};
    setup.setOptions(options);
    QCOMPARE(setup.prepare(QStringLiteral("localhost"), 443, &whyNot)->tls.pins, (QList<QByteArray>{c, a}));
    QCOMPARE(setup.options().tls.pins, (QList<QByteArray>{c, a})); // prepare() changes only its copy
    QCOMPARE(m_dialogs.unexpected, 0);
}

void ConnectionSetupTest::unencryptedKeyAsksNothing()
{
    const TlsTestPeer::Certificate certificate = TlsTestPeer::makeSelfSigned(QDir(m_dir->path()), QStringLiteral("plain"));
    QVERIFY(!certificate.cert.isEmpty());
    AppSettings settings(settingsPath());
    ConnectionSetup setup(&settings, &m_dialogs, &m_window);
    ConnectionOptions options;
    options.tls.enabled = true;
    options.tls.certFile = certificate.cert;
    options.tls.keyFile = certificate.key;
    setup.setOptions(options);
    QString whyNot;
    const std::optional<ConnectionOptions> prepared = setup.prepare(QStringLiteral("localhost"), 443, &whyNot);
    QVERIFY2(prepared, qPrintable(whyNot));
    QVERIFY(prepared->tls.keyPassphrase.isEmpty());
    QVERIFY(m_dialogs.passphrasePrompts.isEmpty());
}

void ConnectionSetupTest::encryptedKeyAsksForThePassphrase()
{
    const TlsTestPeer::Certificate certificate = TlsTestPeer::makeSelfSigned(
        QDir(m_dir->path()), QStringLiteral("enc"), QStringLiteral("client"), QStringLiteral("DNS:client"), "sesame");
    QVERIFY(!certificate.cert.isEmpty());
    AppSettings settings(settingsPath());
    ConnectionSetup setup(&settings, &m_dialogs, &m_window);
    ConnectionOptions options;
    options.tls.enabled = true;
    options.tls.certFile = certificate.cert;
    options.tls.keyFile = certificate.key;
    setup.setOptions(options);

    m_dialogs.passphraseAnswers.enqueue(QByteArray("wrong"));
    m_dialogs.passphraseAnswers.enqueue(QByteArray("sesame"));
    QString whyNot;
    const std::optional<ConnectionOptions> prepared = setup.prepare(QStringLiteral("localhost"), 443, &whyNot);
    QVERIFY2(prepared, qPrintable(whyNot));
    QCOMPARE(prepared->tls.keyPassphrase, QByteArray("sesame"));
    QCOMPARE(m_dialogs.passphrasePrompts.size(), 2);
    QVERIFY(m_dialogs.passphrasePrompts.at(0).contains(QStringLiteral("is encrypted")));
    QVERIFY(m_dialogs.passphrasePrompts.at(0).contains(QDir::toNativeSeparators(certificate.key)));
    QVERIFY(m_dialogs.passphrasePrompts.at(1).contains(QStringLiteral("does not open")));

    // Kept for the run: the next connection asks nothing.
    QVERIFY(setup.prepare(QStringLiteral("localhost"), 443, &whyNot));
    QCOMPARE(m_dialogs.passphrasePrompts.size(), 2);
    // ...and never saved.
    setup.save();
    QVERIFY(settings.sync());
    QFile file(settingsPath());
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(!file.readAll().contains("sesame"));
    QCOMPARE(m_dialogs.unexpected, 0);
}

void ConnectionSetupTest::wrongPassphraseAsksAgainThenFails()
{
    const TlsTestPeer::Certificate certificate = TlsTestPeer::makeSelfSigned(
        QDir(m_dir->path()), QStringLiteral("enc"), QStringLiteral("client"), QStringLiteral("DNS:client"), "sesame");
    AppSettings settings(settingsPath());
    ConnectionSetup setup(&settings, &m_dialogs, &m_window);
    ConnectionOptions options;
    options.tls.certFile = certificate.cert;
    options.tls.keyFile = certificate.key;
    setup.setOptions(options);
    for (int i = 0; i < ConnectionSetup::maxPassphraseAttempts; ++i)
        m_dialogs.passphraseAnswers.enqueue(QByteArray("wrong") + QByteArray::number(i));
    QString whyNot;
    QVERIFY(!setup.prepare(QStringLiteral("localhost"), 443, &whyNot));
    QCOMPARE(m_dialogs.passphrasePrompts.size(), ConnectionSetup::maxPassphraseAttempts);
    QVERIFY2(whyNot.contains(QStringLiteral("passphrase does not open the client key")), qPrintable(whyNot));
    QCOMPARE(m_dialogs.unexpected, 0);
}

void ConnectionSetupTest::cancelledPassphraseDoesNotConnect()
{
    const TlsTestPeer::Certificate certificate = TlsTestPeer::makeSelfSigned(
        QDir(m_dir->path()), QStringLiteral("enc"), QStringLiteral("client"), QStringLiteral("DNS:client"), "sesame");
    AppSettings settings(settingsPath());
    ConnectionSetup setup(&settings, &m_dialogs, &m_window);
    ConnectionOptions options;
    options.tls.certFile = certificate.cert;
    options.tls.keyFile = certificate.key;
    setup.setOptions(options);
    m_dialogs.passphraseAnswers.enqueue(std::nullopt);
    QString whyNot;
    QVERIFY(!setup.prepare(QStringLiteral("localhost"), 443, &whyNot));
    QCOMPARE(whyNot, QStringLiteral("Not connected: no passphrase for the client key."));
    QCOMPARE(m_dialogs.passphrasePrompts.size(), 1);
}

void ConnectionSetupTest::unreadableKeyIsReported()
{
    AppSettings settings(settingsPath());
    ConnectionSetup setup(&settings, &m_dialogs, &m_window);
    ConnectionOptions options;
    options.tls.certFile = m_dir->filePath(QStringLiteral("missing.crt"));
    options.tls.keyFile = m_dir->filePath(QStringLiteral("missing.key"));
    setup.setOptions(options);
    QString whyNot;
    QVERIFY(!setup.prepare(QStringLiteral("localhost"), 443, &whyNot));
    QVERIFY2(whyNot.startsWith(QStringLiteral("Not connected: cannot read")), qPrintable(whyNot));
    QVERIFY2(whyNot.contains(QStringLiteral("missing.key")), qPrintable(whyNot));
    QVERIFY(m_dialogs.passphrasePrompts.isEmpty());
}

void ConnectionSetupTest::summaryButtonOpensTheDialog()
{
    AppSettings settings(settingsPath());
    ConnectionSetup setup(&settings, &m_dialogs, &m_window);
    QToolButton *button = setup.summaryButton();
    QCOMPARE(button->text(), QStringLiteral("TCP"));
    QCOMPARE(button->accessibleName(), QStringLiteral("Connection options: TCP"));
    QVERIFY(button->toolTip().contains(QStringLiteral("Ctrl+Shift+O")));
    QCOMPARE(setup.optionsAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));

    m_window.show();
    QSignalSpy changed(&setup, &ConnectionSetup::optionsChanged);
    button->click();
    auto *dialog = m_window.findChild<ConnectionOptionsDialog *>();
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    dialog->securityBox()->setCurrentIndex(dialog->securityBox()->findText(QStringLiteral("TLS")));
    dialog->buttonBox()->button(QDialogButtonBox::Ok)->click();
    QCOMPARE(changed.size(), 1);
    QVERIFY(setup.options().tls.enabled);
    QCOMPARE(button->text(), QStringLiteral("TLS"));
    QCOMPARE(settings.connectionOptions().tls.enabled, true); // saved at once

    // Cancel changes nothing.
    setup.editOptions()->reject();
    QCOMPARE(changed.size(), 1);
    m_window.hide();
}

QTEST_MAIN(ConnectionSetupTest)
#include "tst_connectionsetup.moc"
