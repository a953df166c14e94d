using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Pishkhan.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class AddReportDailyRollup : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "DaysBuiltAt",
                table: "ReportState",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ReportDays",
                columns: table => new
                {
                    Day = table.Column<int>(type: "integer", nullable: false),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    Key = table.Column<string>(type: "character varying(201)", maxLength: 201, nullable: false),
                    Bucket = table.Column<long>(type: "bigint", nullable: false),
                    Count = table.Column<long>(type: "bigint", nullable: false),
                    Sum = table.Column<long>(type: "bigint", nullable: false),
                    Min = table.Column<long>(type: "bigint", nullable: false),
                    Max = table.Column<long>(type: "bigint", nullable: false),
                    Count2 = table.Column<long>(type: "bigint", nullable: false),
                    Count3 = table.Column<long>(type: "bigint", nullable: false),
                    RatingSum = table.Column<double>(type: "double precision", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReportDays", x => new { x.Kind, x.Day, x.Key, x.Bucket });
                });

            migrationBuilder.CreateTable(
                name: "ReportDirtyDays",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Day = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReportDirtyDays", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ReportCases_FirstResponseBusinessSeconds_CreatedAt",
                table: "ReportCases",
                columns: new[] { "FirstResponseBusinessSeconds", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ReportCases_FirstResponseCalendarMicros_CreatedAt",
                table: "ReportCases",
                columns: new[] { "FirstResponseCalendarMicros", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ReportCases_ResolutionBusinessSeconds_CreatedAt",
                table: "ReportCases",
                columns: new[] { "ResolutionBusinessSeconds", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ReportCases_ResolutionCalendarMicros_CreatedAt",
                table: "ReportCases",
                columns: new[] { "ResolutionCalendarMicros", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ReportDays_Day",
                table: "ReportDays",
                column: "Day");

            migrationBuilder.CreateIndex(
                name: "IX_ReportDays_Kind_Day_Histogram",
                table: "ReportDays",
                columns: new[] { "Kind", "Day", "Bucket", "Count", "Sum", "Min", "Max" });

            migrationBuilder.CreateIndex(
                name: "IX_ReportDirtyDays_Day",
                table: "ReportDirtyDays",
                column: "Day");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ReportDays");

            migrationBuilder.DropTable(
                name: "ReportDirtyDays");

            migrationBuilder.DropIndex(
                name: "IX_ReportCases_FirstResponseBusinessSeconds_CreatedAt",
                table: "ReportCases");

            migrationBuilder.DropIndex(
                name: "IX_ReportCases_FirstResponseCalendarMicros_CreatedAt",
                table: "ReportCases");

            migrationBuilder.DropIndex(
                name: "IX_ReportCases_ResolutionBusinessSeconds_CreatedAt",
                table: "ReportCases");

            migrationBuilder.DropIndex(
                name: "IX_ReportCases_ResolutionCalendarMicros_CreatedAt",
                table: "ReportCases");

            migrationBuilder.DropColumn(
                name: "DaysBuiltAt",
                table: "ReportState");
        }
    }
}
