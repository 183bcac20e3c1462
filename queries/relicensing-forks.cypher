// Twin of relicensing-forks.rq: relicensings and the forks they prompted.
MATCH (r:Event {type: 'relicensing'})-[:ABOUT]->(p:Project)
MATCH (r)-[:OLD_LICENSE]->(old)
WITH r, p, collect(DISTINCT old.name) AS olds
MATCH (r)-[:NEW_LICENSE]->(new)
WITH r, p, olds, collect(DISTINCT new.name) AS news
OPTIONAL MATCH (f:Event {type: 'fork'})-[:PROMPTED_BY]->(r), (f)-[:ABOUT]->(fp:Project)
OPTIONAL MATCH (f)-[:TO]->(fs)
RETURN CASE r.date_precision WHEN 'year' THEN toString(r.date.year) WHEN 'month' THEN substring(toString(r.date), 0, 7) ELSE toString(r.date) END AS date,
       p.name AS project,
       trim(reduce(acc = '', l IN olds | acc + ' ' + l)) AS old_license,
       trim(reduce(acc = '', l IN news | acc + ' ' + l)) AS new_license,
       fp.name AS fork,
       CASE f.date_precision WHEN 'year' THEN toString(f.date.year) WHEN 'month' THEN substring(toString(f.date), 0, 7) ELSE toString(f.date) END AS fork_date,
       fs.name AS fork_steward
ORDER BY r.date, project, fork
