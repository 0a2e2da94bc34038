#include "certificatetree.h"

#include <QAction>
#include <QClipboard>
#include <QGuiApplication>
#include <QHeaderView>

#include "connectionoptions.h"

namespace {
constexpr int certificateRole = Qt::UserRole;
}

CertificateTree::CertificateTree(QWidget *parent)
    : QTreeWidget(parent)
{
    setObjectName(QStringLiteral("certificateTree"));
    setAccessibleName(tr("Certificate chain"));
    setAccessibleDescription(tr("The TLS session and each certificate of the peer's chain, field by field"));
    setToolTip(tr("The negotiated TLS session and the peer's certificates, peer first"));
    setColumnCount(2);
    setHeaderLabels({tr("Field"), tr("Value")});
    header()->setSectionResizeMode(0, QHeaderView::Interactive);
    header()->setStretchLastSection(true);
    setUniformRowHeights(true);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setAlternatingRowColors(true);
    setWordWrap(false);
    setTextElideMode(Qt::ElideMiddle);

    m_copy = new QAction(tr("&Copy Value"), this);
    m_copy->setShortcut(QKeySequence::Copy);
    m_copy->setShortcutContext(Qt::WidgetShortcut);
    m_copy->setToolTip(tr("Copy the selected value"));
    addAction(m_copy);
    setContextMenuPolicy(Qt::ActionsContextMenu);
    connect(m_copy, &QAction::triggered, this, [this] {
        if (const QTreeWidgetItem *item = currentItem())
            QGuiApplication::clipboard()->setText(item->text(1));
    });
}

QString CertificateTree::formatTime(const QDateTime &utc)
{
    if (!utc.isValid())
        return tr("unknown");
    return utc.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) + QStringLiteral(" UTC");
}

QString CertificateTree::formatKey(const CertificateInfo &info)
{
    if (info.keyBits <= 0)
        return info.keyType;
    return tr("%1, %2 bits").arg(info.keyType).arg(info.keyBits);
}

void CertificateTree::clearAll()
{
    clear();
    m_chain.clear();
}

void CertificateTree::fitFieldColumn()
{
    // The field names fit, but never at the cost of the values.
    resizeColumnToContents(0);
    const int most = qMax(viewport()->width() * 2 / 5, fontMetrics().horizontalAdvance(QLatin1Char('M')) * 8);
    if (columnWidth(0) > most)
        setColumnWidth(0, most);
}

void CertificateTree::resizeEvent(QResizeEvent *event)
{
    QTreeWidget::resizeEvent(event);
    fitFieldColumn();
}

void CertificateTree::setDetails(const TlsDetails &details)
{
    clearAll();
    addSession(details);
    addChain(details.chain);
    fitFieldColumn();
}

void CertificateTree::setChain(const QList<CertificateInfo> &chain)
{
    clearAll();
    addChain(chain);
    fitFieldColumn();
}

void CertificateTree::setRejected(const QList<TlsProblem> &problems, const QList<CertificateInfo> &chain)
{
    clearAll();
    addProblems(problems);
    addChain(chain);
    fitFieldColumn();
}

int CertificateTree::selectedCertificate() const
{
    const QTreeWidgetItem *item = currentItem();
    if (!item || !item->isSelected())
        return -1;
    const QVariant index = item->data(0, certificateRole);
    return index.isValid() ? index.toInt() : -1;
}

QTreeWidgetItem *CertificateTree::addRow(QTreeWidgetItem *parent, const QString &field, const QString &value,
                                         int certificate)
{
    auto *item = parent ? new QTreeWidgetItem(parent) : new QTreeWidgetItem(this);
    item->setText(0, field);
    item->setText(1, value);
    item->setToolTip(1, value); // the whole value where the column elides it
    if (certificate >= 0)
        item->setData(0, certificateRole, certificate);
    return item;
}

void CertificateTree::addSession(const TlsDetails &details)
{
    QTreeWidgetItem *session = addRow(nullptr, tr("Session"), details.protocol);
    addRow(session, tr("Protocol"), details.protocol);
    addRow(session, tr("Cipher"), details.cipher);
    addRow(session, tr("ALPN"), details.alpn.isEmpty() ? tr("none negotiated") : details.alpn);
    session->setExpanded(true);
}

void CertificateTree::addProblems(const QList<TlsProblem> &problems)
{
    QTreeWidgetItem *node = addRow(nullptr, tr("Verification failed"),
                                   problems.size() == 1 ? tr("1 reason") : tr("%1 reasons").arg(problems.size()));
    for (const TlsProblem &problem : problems)
        addRow(node, TlsProblem::kindName(problem.kind), problem.message);
    node->setExpanded(true);
}

void CertificateTree::addChain(const QList<CertificateInfo> &chain)
{
    m_chain = chain;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (int i = 0; i < chain.size(); ++i) {
        const CertificateInfo &info = chain.at(i);
        const QString title = i == 0 ? tr("Certificate %1 (peer)").arg(i + 1) : tr("Certificate %1").arg(i + 1);
        QTreeWidgetItem *node = addRow(nullptr, title, info.subject, i);
        addRow(node, tr("Subject"), info.subjectFull.isEmpty() ? info.subject : info.subjectFull, i);
        addRow(node, tr("Issuer"), info.issuerFull.isEmpty() ? info.issuer : info.issuerFull, i);
        QString from = formatTime(info.notBefore);
        if (info.notBefore.isValid() && info.notBefore > now)
            from += tr(" (not yet valid)");
        QString to = formatTime(info.notAfter);
        if (info.notAfter.isValid() && info.notAfter < now)
            to += tr(" (expired)");
        addRow(node, tr("Valid from"), from, i);
        addRow(node, tr("Valid to"), to, i);
        addRow(node, tr("Subject alternative names"),
               info.subjectAltNames.isEmpty() ? tr("none") : info.subjectAltNames.join(QStringLiteral(", ")), i);
        addRow(node, tr("SHA-256"), TlsSettings::formatFingerprint(info.sha256), i);
        addRow(node, tr("Key"), formatKey(info), i);
        addRow(node, tr("Serial number"), info.serialNumber, i);
        if (info.selfSigned)
            addRow(node, tr("Self-signed"), tr("yes"), i);
        node->setExpanded(i == 0);
    }
}
