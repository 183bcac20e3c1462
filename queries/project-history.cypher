// Twin of project-history.rq: a project's stewardship events, oldest first.
MATCH (e:Event)-[:ABOUT]->(:Project {uri: $project})
OPTIONAL MATCH (e)-[:FROM]->(f)
OPTIONAL MATCH (e)-[:TO]->(t)
OPTIONAL MATCH (e)-[:CITES]->(s:Source)
WITH e, f, t, collect(DISTINCT s.url) AS urls
RETURN CASE e.date_precision WHEN 'year' THEN toString(e.date.year) WHEN 'month' THEN substring(toString(e.date), 0, 7) ELSE toString(e.date) END AS date,
       e.type AS event_type, f.name AS from_steward, t.name AS to_steward,
       trim(reduce(acc = '', u IN urls | acc + ' ' + u)) AS sources
ORDER BY e.date, e.uri
