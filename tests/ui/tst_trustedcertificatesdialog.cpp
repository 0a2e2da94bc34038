// TrustedCertificatesDialog: lists what AppSettings holds, revokes the
// selected entry with the button or Delete, and writes each revocation to
// the settings file at once.
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest>

#include "appsettings.h"
#include "trustedcertificatesdialog.h"

class TrustedCertificatesDialogTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void listsAndRevokes();
    void deleteKeyRevokes();
    void emptyListCannotRevoke();
    void settingsKeepFingerprintsOnly();

private:
    QString settingsPath() const { return m_dir->filePath(QStringLiteral("settings.ini")); }
    QList<TrustedCertificate> sample() const
    {
        const QDateTime when(QDate(2026, 11, 25), QTime(19, 0), Qt::UTC);
        return {{QStringLiteral("localhost:8443"), QByteArray(32, '\xaa'), QStringLiteral("localhost"), when},
                {QStringLiteral("[::1]:993"), QByteArray(32, '\xbb'), QStringLiteral("mail"), when}};
    }
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TrustedCertificatesDialogTest::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void TrustedCertificatesDialogTest::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TrustedCertificatesDialogTest::listsAndRevokes()
{
    AppSettings settings(settingsPath());
    settings.setTrustedCertificates(sample());
    TrustedCertificatesDialog dialog(&settings);
    QTreeWidget *list = dialog.list();
    QCOMPARE(list->topLevelItemCount(), 2);
    QCOMPARE(list->topLevelItem(0)->text(0), QStringLiteral("localhost:8443"));
    QCOMPARE(list->topLevelItem(0)->text(1), QStringLiteral("localhost"));
    QVERIFY(list->topLevelItem(0)->text(2).startsWith(QStringLiteral("AA:AA:AA:")));
    QCOMPARE(list->topLevelItem(0)->text(3), QStringLiteral("2026-11-25 19:00:00 UTC"));
    QCOMPARE(list->topLevelItem(1)->text(0), QStringLiteral("[::1]:993"));

    QSignalSpy revoked(&dialog, &TrustedCertificatesDialog::revoked);
    list->setCurrentItem(list->topLevelItem(1));
    QVERIFY(dialog.revokeButton()->isEnabled());
    dialog.revokeButton()->click();
    QCOMPARE(revoked.size(), 1);
    QCOMPARE(revoked.at(0).at(0).value<TrustedCertificate>().endpoint, QStringLiteral("[::1]:993"));
    QCOMPARE(list->topLevelItemCount(), 1);
    QVERIFY(settings.trustedFingerprints(QStringLiteral("[::1]:993")).isEmpty());

    // Written at once: another reader sees it.
    AppSettings other(settingsPath());
    QCOMPARE(other.trustedCertificates().size(), 1);
    QCOMPARE(other.trustedFingerprints(QStringLiteral("localhost:8443")), QList<QByteArray>{QByteArray(32, '\xaa')});
}

void TrustedCertificatesDialogTest::deleteKeyRevokes()
{
    AppSettings settings(settingsPath());
    settings.setTrustedCertificates(sample());
    TrustedCertificatesDialog dialog(&settings);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    dialog.list()->setFocus();
    QCOMPARE(dialog.list()->currentItem(), dialog.list()->topLevelItem(0)); // the first is selected
    QTest::keyClick(dialog.list(), Qt::Key_Delete);
    QCOMPARE(dialog.list()->topLevelItemCount(), 1);
    QCOMPARE(settings.trustedCertificates().constFirst().endpoint, QStringLiteral("[::1]:993"));
    QTest::keyClick(dialog.list(), Qt::Key_Delete);
    QCOMPARE(dialog.list()->topLevelItemCount(), 0);
    QVERIFY(!dialog.revokeButton()->isEnabled());
    QVERIFY(settings.trustedCertificates().isEmpty());
}

void TrustedCertificatesDialogTest::emptyListCannotRevoke()
{
    AppSettings settings(settingsPath());
    TrustedCertificatesDialog dialog(&settings);
    QCOMPARE(dialog.list()->topLevelItemCount(), 0);
    QVERIFY(!dialog.revokeButton()->isEnabled());
    QVERIFY(!dialog.revokeSelected());
    QVERIFY(!dialog.list()->accessibleName().isEmpty());
    QVERIFY(!dialog.revokeButton()->accessibleName().isEmpty());
    QVERIFY(!dialog.revokeButton()->toolTip().isEmpty());
}

void TrustedCertificatesDialogTest::settingsKeepFingerprintsOnly()
{
    {
        AppSettings settings(settingsPath());
        settings.setTrustedCertificates(sample());
        QVERIFY(settings.sync());
    }
    {
        // A damaged entry is skipped, not fatal.
        QSettings raw(settingsPath(), QSettings::IniFormat);
        raw.beginWriteArray(QStringLiteral("trustedCertificates"));
        raw.setArrayIndex(2);
        raw.setValue(QStringLiteral("endpoint"), QStringLiteral("x:1"));
        raw.setValue(QStringLiteral("sha256"), QStringLiteral("not hex"));
        raw.endArray();
    }
    AppSettings settings(settingsPath());
    QCOMPARE(settings.trustedCertificates(), sample());
}

QTEST_MAIN(TrustedCertificatesDialogTest)
#include "tst_trustedcertificatesdialog.moc"
