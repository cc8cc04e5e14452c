/** Form values of an action, as the action service expects them (empty means "none"). */
export function actionInput(values: Record<string, string>) {
  return {
    title: values.title ?? '',
    description: values.description ?? '',
    ownerPersonId: values.ownerPersonId ?? '',
    // A chosen person replaces the free text, as the form's hint says.
    ownerText: values.ownerPersonId ? '' : (values.ownerText ?? ''),
    horizon: values.horizon ?? '',
    status: values.status ?? 'a_etudier'
  };
}

/** On creation, also the meeting the action came from (empty: none). */
export function newActionInput(values: Record<string, string>) {
  return { ...actionInput(values), sourceMeetingId: values.sourceMeetingId ?? '' };
}
