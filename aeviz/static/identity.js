// aeviz identity: keeps this browser's owner key (whose saves a session lists, whose place it has in the class queue,
// whether it is the teacher's) in a cookie, so that a reload or a second tab is the same student. The key is never put
// into a URL: a link to a save (?model=saved:ID/NAME, ID a one-way digest of the key) opens that model read-only for
// whoever follows it, without their becoming its owner.
export default function ({ data }) {
  const wanted = `${data.name}=${data.owner}`;
  if (!document.cookie.split("; ").includes(wanted)) {
    document.cookie = `${wanted}; path=/; max-age=${data.max_age}; SameSite=Strict`;
  }
}
