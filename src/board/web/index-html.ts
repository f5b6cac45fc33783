/** The dashboard's HTML: a shell that loads the charting library and the page's script, both served by the board itself. */
/** The page served at `/`. */
export const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Strata Board</title>
<link rel="icon" href="data:,">
<script src="/vendor/echarts.min.js"></script>
<script type="module" src="/app/app.js"></script>
</head>
<body></body>
</html>
`;
