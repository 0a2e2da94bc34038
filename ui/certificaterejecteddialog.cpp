#include "certificaterejecteddialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

#include "certificatetree.h"
#include "connectionoptions.h"

CertificateRejectedDialog::CertificateRejectedDialog(const Dialogs::CertificateRejection &rejection, QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("certificateRejectedDialog"));
    setWindowTitle(tr("Certificate Not Trusted"));
    setAccessibleName(windowTitle());

    auto *icon = new QLabel(this);
    const int iconSize = style()->pixelMetric(QStyle::PM_MessageBoxIconSize, nullptr, this);
    icon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxWarning, nullptr, this).pixmap(iconSize, iconSize));
    auto *heading = new QLabel(tr("<b>The certificate of %1 could not be verified.</b><br>"
                                  "The connection was closed without sending or reading anything.")
                                   .arg(rejection.endpoint.toHtmlEscaped()),
                               this);
    heading->setWordWrap(true);
    heading->setAccessibleName(tr("The certificate of %1 could not be verified. The connection was closed.")
                                   .arg(rejection.endpoint));

    m_reasons = new QListWidget(this);
    m_reasons->setObjectName(QStringLiteral("rejectionReasons"));
    m_reasons->setAccessibleName(tr("Reasons"));
    m_reasons->setToolTip(tr("Why the certificate was rejected"));
    for (const TlsProblem &problem : rejection.problems)
        m_reasons->addItem(tr("%1: %2").arg(TlsProblem::kindName(problem.kind), problem.message));
    m_reasons->setMaximumHeight(m_reasons->sizeHintForRow(0) * int(qBound(qsizetype(2), rejection.problems.size(), qsizetype(5)))
                                + 2 * m_reasons->frameWidth() + 4);
    auto *reasonsLabel = new QLabel(tr("&Reasons:"), this);
    reasonsLabel->setBuddy(m_reasons);

    m_tree = new CertificateTree(this);
    m_tree->setChain(rejection.chain); // the reasons are listed above
    auto *treeLabel = new QLabel(tr("C&ertificates:"), this);
    treeLabel->setBuddy(m_tree);

    const QByteArray sha256 = rejection.chain.isEmpty() ? QByteArray() : rejection.chain.constFirst().sha256;
    m_fingerprint = new QLineEdit(TlsSettings::formatFingerprint(sha256), this);
    m_fingerprint->setObjectName(QStringLiteral("rejectedFingerprint"));
    m_fingerprint->setReadOnly(true);
    m_fingerprint->setAccessibleName(tr("SHA-256 fingerprint"));
    m_fingerprint->setToolTip(tr("Compare it with the fingerprint the service's owner gives you"));
    m_fingerprint->setCursorPosition(0);
    auto *fingerprintLabel = new QLabel(tr("&SHA-256:"), this);
    fingerprintLabel->setBuddy(m_fingerprint);

    auto *buttons = new QDialogButtonBox(this);
    m_trust = buttons->addButton(tr("&Trust This Certificate for %1").arg(rejection.endpoint),
                                 QDialogButtonBox::AcceptRole);
    m_trust->setObjectName(QStringLiteral("trustCertificate"));
    m_trust->setAccessibleName(tr("Trust this certificate for %1").arg(rejection.endpoint));
    m_trust->setToolTip(tr("Remember this certificate's SHA-256 fingerprint for %1 and connect again; "
                           "any other certificate there is still checked")
                            .arg(rejection.endpoint));
    m_trust->setEnabled(!sha256.isEmpty());
    m_trust->setAutoDefault(false);
    m_cancel = buttons->addButton(QDialogButtonBox::Cancel);
    m_cancel->setObjectName(QStringLiteral("cancelTrust"));
    m_cancel->setAccessibleName(tr("Cancel"));
    m_cancel->setToolTip(tr("Do not trust it; stay disconnected"));
    m_cancel->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *top = new QHBoxLayout;
    top->addWidget(icon, 0, Qt::AlignTop);
    top->addWidget(heading, 1);
    auto *form = new QFormLayout;
    form->addRow(fingerprintLabel, m_fingerprint);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(reasonsLabel);
    layout->addWidget(m_reasons);
    layout->addWidget(treeLabel);
    layout->addWidget(m_tree, 1);
    layout->addLayout(form);
    layout->addWidget(buttons);

    const QFontMetrics metrics(font());
    resize(metrics.horizontalAdvance(QLatin1Char('M')) * 60, metrics.lineSpacing() * 30);
    m_cancel->setFocus(Qt::OtherFocusReason);
}
