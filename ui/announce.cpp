#include "announce.h"

#include <utility>

#include <QWidget>

namespace Announce {

namespace {

Observer &observer()
{
    static Observer instance;
    return instance;
}

} // namespace

void setName(QWidget *widget, const QString &name)
{
    if (widget->accessibleName() == name)
        return;
    widget->setAccessibleName(name); // sends NameChanged itself
    if (observer())
        observer()(widget, QAccessible::NameChanged);
}

void alert(QObject *object)
{
    QAccessibleEvent event(object, QAccessible::Alert);
    QAccessible::updateAccessibility(&event);
    if (observer())
        observer()(object, QAccessible::Alert);
}

Observer setObserver(Observer next)
{
    return std::exchange(observer(), std::move(next));
}

} // namespace Announce
