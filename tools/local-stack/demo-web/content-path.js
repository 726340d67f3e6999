/** The item's page (`/content/<id>`), where it is bought, confirmed and played. */
export function contentPath(contentId) {
  return `/content/${encodeURIComponent(contentId)}`;
}
