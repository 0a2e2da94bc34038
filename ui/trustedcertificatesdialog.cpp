#include "trustedcertificatesdialog.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "certificatetree.h"

TrustedCertificatesDialog::TrustedCertificatesDialog(AppSettings *settings, QWidget *parent)
    : QDialog(parent)
    , m_settings(settings)
{
    setObjectName(QStringLiteral("trustedCertificatesDialog"));
    setWindowTitle(tr("Trusted Certificates"));
    setAccessibleName(windowTitle());

    auto *intro = new QLabel(tr("Certificates you chose to trust for one host and port, by their SHA-256 "
                                "fingerprint. Revoke one to have its certificate checked again."),
                             this);
    intro->setWordWrap(true);

    m_list = new QTreeWidget(this);
    m_list->setObjectName(QStringLiteral("trustedList"));
    m_list->setAccessibleName(tr("Trusted certificates"));
    m_list->setToolTip(tr("Host and port, certificate subject, SHA-256 fingerprint and when it was trusted"));
    m_list->setHeaderLabels({tr("Host and port"), tr("Subject"), tr("SHA-256"), tr("Trusted since")});
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setAlternatingRowColors(true);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    auto *listLabel = new QLabel(tr("&Certificates:"), this);
    listLabel->setBuddy(m_list);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_revoke = buttons->addButton(tr("&Revoke"), QDialogButtonBox::ActionRole);
    m_revoke->setObjectName(QStringLiteral("revokeTrust"));
    m_revoke->setAccessibleName(tr("Revoke"));
    m_revoke->setToolTip(tr("Stop trusting the selected certificate (Delete)"));
    m_revoke->setAutoDefault(false);
    QPushButton *close = buttons->button(QDialogButtonBox::Close);
    close->setAccessibleName(tr("Close"));
    close->setToolTip(tr("Close this list"));
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_revoke, &QPushButton::clicked, this, &TrustedCertificatesDialog::revokeSelected);

    auto *deleteAction = new QAction(this);
    deleteAction->setShortcut(QKeySequence::Delete);
    deleteAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_list->addAction(deleteAction);
    connect(deleteAction, &QAction::triggered, this, &TrustedCertificatesDialog::revokeSelected);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(listLabel);
    layout->addWidget(m_list, 1);
    layout->addWidget(buttons);

    connect(m_list, &QTreeWidget::itemSelectionChanged, this, &TrustedCertificatesDialog::updateButtons);
    reload();
    const QFontMetrics metrics(font());
    resize(metrics.horizontalAdvance(QLatin1Char('M')) * 80, metrics.lineSpacing() * 20);
}

void TrustedCertificatesDialog::reload()
{
    m_certificates = m_settings->trustedCertificates();
    m_list->clear();
    for (const TrustedCertificate &certificate : std::as_const(m_certificates)) {
        auto *item = new QTreeWidgetItem(m_list);
        item->setText(0, certificate.endpoint);
        item->setText(1, certificate.subject);
        item->setText(2, TlsSettings::formatFingerprint(certificate.sha256));
        item->setText(3, CertificateTree::formatTime(certificate.added));
    }
    if (m_list->topLevelItemCount() > 0)
        m_list->setCurrentItem(m_list->topLevelItem(0));
    updateButtons();
}

void TrustedCertificatesDialog::updateButtons()
{
    m_revoke->setEnabled(!m_list->selectedItems().isEmpty());
}

bool TrustedCertificatesDialog::revokeSelected()
{
    const QList<QTreeWidgetItem *> selected = m_list->selectedItems();
    if (selected.isEmpty())
        return false;
    const int row = m_list->indexOfTopLevelItem(selected.constFirst());
    if (row < 0 || row >= m_certificates.size())
        return false;
    const TrustedCertificate certificate = m_certificates.at(row);
    // Against what is stored now: another window may have changed it.
    QList<TrustedCertificate> stored = m_settings->trustedCertificates();
    stored.removeAll(certificate);
    m_settings->setTrustedCertificates(stored);
    m_settings->sync();
    reload();
    if (m_list->topLevelItemCount() > 0)
        m_list->setCurrentItem(m_list->topLevelItem(qMin(row, m_list->topLevelItemCount() - 1)));
    Q_EMIT revoked(certificate);
    return true;
}
