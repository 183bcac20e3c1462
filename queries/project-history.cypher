// Twin of project-history.rq: a project's stewardship events, oldest first.
MATCH (e:Event)-[:ABOUT]->(:Project {uri: $project})
OPTIONAL MATCH (e)-[:FROM]->(f)
OPTIONAL MATCH (e)-[:TO]->(t)
OPTIONAL MATCH (e)-[:CITES]->(s:Source)
OPTIONAL MATCH (f)-[:HAD_NAME]->(fn:FormerName) WHERE e.date < fn.end AND (fn.start IS NULL OR fn.start <= e.date)
OPTIONAL MATCH (t)-[:HAD_NAME]->(tn:FormerName) WHERE e.date < tn.end AND (tn.start IS NULL OR tn.start <= e.date)
WITH e, coalesce(fn.name, f.name) AS from_name, coalesce(tn.name, t.name) AS to_name, collect(DISTINCT s.url) AS urls
RETURN CASE e.date_precision WHEN 'year' THEN toString(e.date.year) WHEN 'month' THEN substring(toString(e.date), 0, 7) ELSE toString(e.date) END AS date,
       e.type AS event_type, from_name AS from_steward, to_name AS to_steward,
       trim(reduce(acc = '', u IN urls | acc + ' ' + u)) AS sources
ORDER BY e.date, e.uri
