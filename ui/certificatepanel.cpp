#include "certificatepanel.h"

#include <QDir>
#include <QLabel>
#include <QPushButton>
#include <QRegularExpression>
#include <QSaveFile>
#include <QVBoxLayout>

#include "announce.h"
#include "certificatetree.h"
#include "dialogs.h"

CertificatePanel::CertificatePanel(Dialogs *dialogs, QWidget *parent)
    : QWidget(parent)
    , m_dialogs(dialogs)
{
    setObjectName(QStringLiteral("certificatePanel"));
    setAccessibleName(tr("Certificates"));

    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("certificateSummary"));
    m_summary->setTextFormat(Qt::PlainText);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);

    m_tree = new CertificateTree(this);

    m_export = new QPushButton(tr("E&xport PEM..."), this);
    m_export->setObjectName(QStringLiteral("exportPem"));
    m_export->setAccessibleName(tr("Export PEM"));
    m_export->setToolTip(tr("Save the selected certificate as a PEM file"));

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_tree, 1);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_export);
    layout->addLayout(buttons);

    connect(m_export, &QPushButton::clicked, this, &CertificatePanel::exportSelected);
    connect(m_tree, &QTreeWidget::currentItemChanged, this, &CertificatePanel::updateExport);
    connect(m_tree, &QTreeWidget::itemSelectionChanged, this, &CertificatePanel::updateExport);
    clear();
}

QSize CertificatePanel::sizeHint() const
{
    const QFontMetrics metrics(font());
    return {metrics.horizontalAdvance(QLatin1Char('M')) * 50, QWidget::sizeHint().height()};
}

void CertificatePanel::clear()
{
    m_tree->clearAll();
    m_summary->setText(tr("No TLS session yet."));
    Announce::setName(m_summary, m_summary->text());
    updateExport();
}

void CertificatePanel::showDetails(const TlsDetails &details)
{
    m_tree->setDetails(details);
    QString text = tr("%1, %2").arg(details.protocol, details.cipher);
    if (!details.alpn.isEmpty())
        text += tr(", ALPN %1").arg(details.alpn);
    m_summary->setText(text);
    Announce::setName(m_summary, tr("TLS session: %1").arg(text));
    if (!details.chain.isEmpty())
        m_tree->setCurrentItem(m_tree->topLevelItem(1)); // the peer's certificate
    updateExport();
}

void CertificatePanel::showRejected(const QString &endpoint, const QList<TlsProblem> &problems,
                                    const QList<CertificateInfo> &chain)
{
    m_tree->setRejected(problems, chain);
    QStringList reasons;
    for (const TlsProblem &problem : problems)
        reasons << TlsProblem::kindName(problem.kind);
    reasons.removeDuplicates();
    const QString text = tr("The certificate of %1 was rejected: %2.").arg(endpoint, reasons.join(QStringLiteral(", ")));
    m_summary->setText(text);
    Announce::setName(m_summary, text);
    if (!chain.isEmpty())
        m_tree->setCurrentItem(m_tree->topLevelItem(1));
    updateExport();
}

void CertificatePanel::updateExport()
{
    m_export->setEnabled(m_tree->selectedCertificate() >= 0);
}

bool CertificatePanel::exportSelected()
{
    const int index = m_tree->selectedCertificate();
    if (index < 0)
        return false;
    const CertificateInfo &info = m_tree->certificates().at(index);
    QString name = info.subject;
    name.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]+")), QStringLiteral("_"));
    if (name.isEmpty())
        name = QStringLiteral("certificate");
    const std::optional<Dialogs::FileChoice> choice =
        m_dialogs->chooseSaveFile(window(), tr("Export Certificate"), name + QStringLiteral(".pem"),
                                  {tr("PEM certificate (*.pem *.crt)")}, tr("PEM certificate (*.pem *.crt)"));
    if (!choice)
        return false;
    QString error;
    if (!writePem(choice->path, info.pem, &error)) {
        m_dialogs->showError(window(), tr("Export Certificate"), error);
        return false;
    }
    return true;
}

bool CertificatePanel::writePem(const QString &path, const QByteArray &pem, QString *error)
{
    QSaveFile file(path);
    const bool ok = file.open(QIODevice::WriteOnly)
        && file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner) && file.write(pem) == pem.size()
        && file.commit();
    if (!ok && error)
        *error = tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString());
    return ok;
}
