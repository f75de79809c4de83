"""Lambda function sources shipped with the package (standard library + boto3 only)."""
